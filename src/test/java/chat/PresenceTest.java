package chat;

import static org.assertj.core.api.Assertions.assertThat;

import chat.support.ChatClient;
import chat.support.ChatClient.User;
import chat.support.TestNode;
import chat.support.TestSocket;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Presence, heartbeat and typing end to end: subscriptions with the shared-conversation rule,
 * online/offline transitions with lastSeen, the last-seen privacy setting, silent sessions closed
 * with 4408, and typing passed on and expiring. Runs on an embedded node and in the
 * {@code cluster-e2e} pass on the shared 3-node cluster (where sockets sit on different nodes).
 */
@ExtendWith(VertxExtension.class)
class PresenceTest {
  record World(ChatClient client, User alice, User bob, User carol) {
    /** Alice and bob share a direct chat (one message); carol shares nothing with them. */
    Future<String> talk() {
      return client.connect(alice).compose(socket -> socket.answer(new JsonObject().put("type", "send").put("id", "p1")
              .put("to", bob.userId()).put("kind", "text").put("body", "hi"))
          .compose(ack -> client.awaitStored(alice, ack.getString("conversation"), ack.getString("msgId"))
              .compose(v -> socket.close()).map(ack.getString("conversation"))));
    }
  }

  private static Future<World> world(ChatClient client) {
    return client.newUser("phone").compose(a -> client.newUser("phone")
        .compose(b -> client.newUser("phone").map(c -> new World(client, a, b, c))));
  }

  private static JsonObject subscribe(String id, User... users) {
    JsonArray ids = new JsonArray();
    for (User u : users) {
      ids.add(u.userId());
    }
    return new JsonObject().put("type", "presence.subscribe").put("id", id).put("users", ids);
  }

  /** The next presence frame about {@code user} with {@code status}, skipping other frames. */
  private static Future<JsonObject> nextPresence(TestSocket socket, User user, String status) {
    return socket.next().compose(frame -> "presence".equals(frame.getString("type"))
        && user.userId().equals(frame.getString("user")) && status.equals(frame.getString("status"))
        ? Future.succeededFuture(frame) : nextPresence(socket, user, status));
  }

  private static Future<JsonObject> nextNotMessage(TestSocket socket) {
    return socket.next().compose(frame -> "message".equals(frame.getString("type")) ? nextNotMessage(socket)
        : Future.succeededFuture(frame));
  }

  private static Future<JsonObject> nextTyping(TestSocket socket) {
    return socket.next().compose(frame -> "typing".equals(frame.getString("type")) ? Future.succeededFuture(frame)
        : nextTyping(socket));
  }

  @Test
  @DisplayName("A subscriber gets a watched user's current presence, then only transitions: online, and offline with lastSeen")
  void transitions(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    TestNode.client(vertx, dir).compose(PresenceTest::world).compose(w -> w.talk().compose(conversation ->
        w.client().connect(w.alice()).compose(alice -> {
          alice.send(subscribe("s1", w.bob()));
          return nextPresence(alice, w.bob(), "offline").compose(initial -> w.client().connect(w.bob())
              .compose(bob -> nextPresence(alice, w.bob(), "online")
                  .compose(online -> bob.close().compose(v -> nextPresence(alice, w.bob(), "offline"))
                      .map(offline -> {
                        ctx.verify(() -> {
                          assertThat(initial.fieldNames()).containsExactlyInAnyOrder("type", "user", "status");
                          assertThat(online.containsKey("lastSeen")).isFalse();
                          assertThat(offline.getLong("lastSeen")).isPositive();
                        });
                        return null;
                      })))
              .compose(v -> alice.close()));
        })))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Only users who share a conversation may be watched: the others get one forbidden error naming them, the allowed are still answered")
  void sharedConversationRule(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    TestNode.client(vertx, dir).compose(PresenceTest::world).compose(w -> w.talk().compose(conversation ->
        w.client().connect(w.alice()).compose(alice -> {
          alice.send(subscribe("s2", w.bob(), w.carol()));
          // in the cluster alice's own copy of "hi" may still be pushed meanwhile: skip messages
          return nextNotMessage(alice).compose(first -> nextNotMessage(alice).map(second -> {
            ctx.verify(() -> {
              JsonObject error = "error".equals(first.getString("type")) ? first : second;
              JsonObject presence = "error".equals(first.getString("type")) ? second : first;
              assertThat(error.getString("code")).isEqualTo("forbidden");
              assertThat(error.getString("ref")).isEqualTo("s2");
              assertThat(error.getString("message")).contains(w.carol().userId()).doesNotContain(w.bob().userId());
              assertThat(presence.getString("type")).isEqualTo("presence");
              assertThat(presence.getString("user")).isEqualTo(w.bob().userId());
            });
            return null;
          })).compose(v -> alice.close());
        })))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("A user who hides last seen is shown offline without lastSeen; PATCH /api/v1/me rejects a non-boolean")
  void hiddenLastSeen(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    TestNode.client(vertx, dir).compose(PresenceTest::world).compose(w -> w.talk().compose(conversation ->
        w.client().connect(w.bob()).compose(bob -> bob.close())
            .compose(v -> w.client().request(HttpMethod.PATCH, "/api/v1/me", w.bob().accessToken(),
                new JsonObject().put("showLastSeen", "no")))
            .compose(bad -> w.client().request(HttpMethod.PATCH, "/api/v1/me", w.bob().accessToken(),
                new JsonObject().put("showLastSeen", false)).compose(good -> w.client().connect(w.alice())
                .compose(alice -> {
                  alice.send(subscribe("s3", w.bob()));
                  return nextPresence(alice, w.bob(), "offline").compose(shown -> alice.close().map(v -> {
                    ctx.verify(() -> {
                      assertThat(bad.statusCode()).isEqualTo(400);
                      assertThat(good.statusCode()).isEqualTo(200);
                      assertThat(good.bodyAsJsonObject()).isEqualTo(new JsonObject().put("showLastSeen", false));
                      assertThat(shown.containsKey("lastSeen")).isFalse();
                    });
                    return null;
                  }));
                })))))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Typing reaches the other participant's live sessions without a seq, and a start expires into a stop")
  void typing(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    TestNode.client(vertx, dir).compose(PresenceTest::world).compose(w -> w.talk().compose(conversation ->
        w.client().connect(w.alice()).compose(alice -> w.client().connect(w.bob()).compose(bob -> {
          long started = System.nanoTime();
          alice.send(new JsonObject().put("type", "typing").put("conversation", conversation).put("state", "start"));
          return nextTyping(bob).compose(start -> nextTyping(bob).map(stop -> {
            ctx.verify(() -> {
              assertThat(start).isEqualTo(new JsonObject().put("type", "typing").put("conversation", conversation)
                  .put("from", w.alice().userId()).put("state", "start"));
              assertThat(stop.getString("state")).isEqualTo("stop");
              assertThat((System.nanoTime() - started) / 1_000_000).as("ms until the stop").isGreaterThanOrEqualTo(5_900);
            });
            return null;
          })).compose(v -> Future.join(alice.close(), bob.close()));
        }))))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("A session silent for the heartbeat timeout is closed with 4408 and its user goes offline; ping frames and WebSocket pings keep one alive")
  void heartbeatTimeout(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    TestNode.start(vertx, dir, c -> c.getJsonObject("http").put("heartbeatIntervalMs", 100).put("heartbeatTimeoutMs", 600))
        .compose(node -> world(new ChatClient(vertx, node.port())))
        .compose(w -> w.talk().compose(conversation -> w.client().connect(w.alice()).compose(alice ->
            w.client().connect(w.bob()).compose(bob -> w.client().connect(w.carol()).compose(carol -> {
              alice.send(subscribe("s4", w.bob()));
              // alice shows life with ping frames, carol with WebSocket pings only; bob stays silent
              long pinger = vertx.setPeriodic(200, t -> {
                alice.send(new JsonObject().put("type", "ping"));
                carol.ws.writePing(Buffer.buffer("hb"));
              });
              return nextPresence(alice, w.bob(), "online")
                  .compose(online -> bob.closed())
                  .compose(code -> nextPresence(alice, w.bob(), "offline").compose(offline -> {
                    vertx.cancelTimer(pinger);
                    carol.send(new JsonObject().put("type", "ping"));
                    return carol.next().map(pong -> {
                      ctx.verify(() -> {
                        assertThat(code).isEqualTo((short) 4408);
                        assertThat(offline.getLong("lastSeen")).isPositive();
                        assertThat(pong.getString("type")).as("carol's socket is still open").isEqualTo("pong");
                      });
                      return null;
                    });
                  }));
            })))))
        .onComplete(ctx.succeedingThenComplete());
  }
}
