package chat;

import static org.assertj.core.api.Assertions.assertThat;

import chat.support.ChatClient;
import chat.support.ChatClient.User;
import chat.support.TestNode;
import chat.support.TestSocket;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delivered and read receipts end to end: live and through sync, 1:1 and in groups, forward only,
 * coalesced in bursts, with the unread counts they drive. Runs on an embedded node and in the
 * {@code cluster-e2e} pass on the shared 3-node cluster.
 */
@ExtendWith(VertxExtension.class)
class ReceiptsTest {
  record World(ChatClient client, User alice, User bob, User carol) {
  }

  private static Future<World> world(Vertx vertx, Path dir) {
    return TestNode.client(vertx, dir).compose(client -> client.newUser("phone").compose(a -> client.newUser("phone")
        .compose(b -> client.newUser("phone").map(c -> new World(client, a, b, c)))));
  }

  private static JsonObject receipt(String conversation, String status, String upTo, String id) {
    JsonObject frame = new JsonObject().put("type", "receipt").put("conversation", conversation).put("status", status)
        .put("upTo", upTo);
    return id == null ? frame : frame.put("id", id);
  }

  /** Sends texts one after the other; completes with their acks, once the last is in history. */
  private static Future<List<JsonObject>> sendTexts(ChatClient client, User from, TestSocket socket, JsonObject target,
                                                    int count) {
    List<JsonObject> acks = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (int i = 1; i <= count; i++) {
      JsonObject frame = target.copy().put("type", "send").put("id", "t" + i).put("kind", "text").put("body", "m" + i);
      chain = chain.compose(v -> socket.answer(frame).map(ack -> {
        acks.add(ack);
        return null;
      }));
    }
    return chain.compose(v -> client.awaitStored(from, acks.get(0).getString("conversation"),
        acks.get(count - 1).getString("msgId"))).map(acks);
  }

  /** The next receipt frame, skipping pushed messages. */
  private static Future<JsonObject> nextReceipt(TestSocket socket) {
    return socket.next().compose(frame -> "receipt".equals(frame.getString("type")) ? Future.succeededFuture(frame)
        : nextReceipt(socket));
  }

  private static Future<JsonObject> get(World w, User as, String path) {
    return w.client().request(HttpMethod.GET, path, as.accessToken(), null).compose(r -> r.statusCode() == 200
        ? Future.succeededFuture(r.bodyAsJsonObject())
        : Future.failedFuture("GET " + path + " answered " + r.statusCode() + " " + r.bodyAsString()));
  }

  @Test
  @DisplayName("A read receipt reaches the sender live as an inbox event, shows in GET receipts and brings the reader's unread count down")
  void readReceipt(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    world(vertx, dir).compose(w -> w.client().connect(w.alice()).compose(alice -> w.client().connect(w.bob())
        .compose(bob -> sendTexts(w.client(), w.alice(), alice, new JsonObject().put("to", w.bob().userId()), 3)
            .compose(acks -> {
              String conversation = acks.get(0).getString("conversation");
              String second = acks.get(1).getString("msgId");
              bob.send(receipt(conversation, "read", second, "r1"));
              return nextReceipt(alice).compose(event -> get(w, w.alice(), "/api/v1/conversations/" + conversation + "/receipts")
                  .compose(receipts -> get(w, w.bob(), "/api/v1/conversations").map(bobsList -> {
                    ctx.verify(() -> {
                      assertThat(event.getLong("seq")).isPositive();
                      assertThat(event.copy().put("seq", 0)).isEqualTo(new JsonObject().put("seq", 0)
                          .put("type", "receipt").put("conversation", conversation).put("from", w.bob().userId())
                          .put("status", "read").put("upTo", second));
                      assertThat(receipts.getJsonArray("receipts")).containsExactlyInAnyOrder(
                          new JsonObject().put("userId", w.bob().userId()).put("delivered", second).put("read", second),
                          new JsonObject().put("userId", w.alice().userId()).putNull("delivered").putNull("read"));
                      assertThat(bobsList.getJsonArray("conversations").getJsonObject(0).getLong("unread"))
                          .isEqualTo(1L);
                    });
                    return null;
                  }))).compose(v -> Future.join(alice.close(), bob.close())).mapEmpty();
            }))))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("A watermark only moves forward: an equal or lower upTo is accepted and announces nothing")
  void forwardOnly(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    world(vertx, dir).compose(w -> w.client().connect(w.alice()).compose(alice -> w.client().connect(w.bob())
        .compose(bob -> sendTexts(w.client(), w.alice(), alice, new JsonObject().put("to", w.bob().userId()), 3)
            .compose(acks -> {
              String conversation = acks.get(0).getString("conversation");
              bob.send(receipt(conversation, "delivered", acks.get(1).getString("msgId"), null));
              return nextReceipt(alice).compose(first -> {
                bob.send(receipt(conversation, "delivered", acks.get(1).getString("msgId"), null));
                bob.send(receipt(conversation, "delivered", acks.get(0).getString("msgId"), null));
                bob.send(receipt(conversation, "delivered", acks.get(2).getString("msgId"), null));
                bob.send(new JsonObject().put("type", "ping"));
                return bob.next().compose(pong -> nextReceipt(alice)).map(next -> {
                  ctx.verify(() -> {
                    assertThat(first.getString("upTo")).isEqualTo(acks.get(1).getString("msgId"));
                    assertThat(next.getString("upTo")).as("the next announcement skips the ignored receipts")
                        .isEqualTo(acks.get(2).getString("msgId"));
                    assertThat(next.getString("status")).isEqualTo("delivered");
                  });
                  return null;
                });
              });
            }))))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("A receipt with a msgId outside the conversation, a bad status or a bad upTo is a bad_request; a stranger's is forbidden")
  void badReceipts(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    world(vertx, dir).compose(w -> w.client().connect(w.alice()).compose(alice -> w.client().connect(w.bob())
        .compose(bob -> w.client().connect(w.carol()).compose(carol ->
            sendTexts(w.client(), w.alice(), alice, new JsonObject().put("to", w.bob().userId()), 1).compose(toBob ->
                sendTexts(w.client(), w.alice(), alice, new JsonObject().put("to", w.carol().userId()), 1)
                    .compose(toCarol -> {
                      String conversation = toBob.get(0).getString("conversation");
                      String msgId = toBob.get(0).getString("msgId");
                      List<JsonObject> answers = new ArrayList<>();
                      List<JsonObject> bobs = List.of(
                          receipt(conversation, "read", toCarol.get(0).getString("msgId"), "e1"),
                          receipt(conversation, "seen", msgId, "e2"),
                          receipt(conversation, "read", "12abc", "e3"),
                          receipt(conversation, "read", "-1", "e4"));
                      Future<Void> chain = Future.succeededFuture();
                      for (JsonObject frame : bobs) {
                        chain = chain.compose(v -> bob.answer(frame).map(answers::add).mapEmpty());
                      }
                      return chain.compose(v -> carol.answer(receipt(conversation, "read", msgId, "e5"))).map(stranger -> {
                        ctx.verify(() -> {
                          assertThat(answers).hasSize(4).allSatisfy(answer ->
                              assertThat(answer.getString("code")).as("%s", answer).isEqualTo("bad_request"));
                          assertThat(stranger.getString("code")).isEqualTo("forbidden");
                        });
                        return null;
                      });
                    }))))))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("In a group a receipt reaches every other member, and GET receipts lists every member's watermarks")
  void groupReceipts(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    world(vertx, dir).compose(w -> w.client().request(HttpMethod.POST, "/api/v1/groups", w.alice().accessToken(),
            new JsonObject().put("title", "ticks").put("members", new JsonArray().add(w.bob().userId()).add(w.carol().userId())))
        .compose(created -> {
          String conversation = created.bodyAsJsonObject().getString("conversationId");
          return w.client().connect(w.alice()).compose(alice -> w.client().connect(w.carol()).compose(carol ->
              w.client().connect(w.bob()).compose(bob ->
                  sendTexts(w.client(), w.alice(), alice, new JsonObject().put("conversation", conversation), 1)
                      .compose(acks -> {
                        String msgId = acks.get(0).getString("msgId");
                        bob.send(receipt(conversation, "read", msgId, null));
                        return nextReceipt(alice).compose(onAlice -> nextReceipt(carol).compose(onCarol ->
                            // the watermark is stored before its announcements are sent
                            get(w, w.carol(), "/api/v1/conversations/" + conversation + "/receipts").map(r -> {
                                  ctx.verify(() -> {
                                    assertThat(onAlice.getString("from")).isEqualTo(w.bob().userId());
                                    assertThat(onCarol.getString("upTo")).isEqualTo(msgId);
                                    assertThat(r.getJsonArray("receipts")).containsExactly(
                                        new JsonObject().put("userId", w.alice().userId()).putNull("delivered").putNull("read"),
                                        new JsonObject().put("userId", w.bob().userId()).put("delivered", msgId).put("read", msgId),
                                        new JsonObject().put("userId", w.carol().userId()).putNull("delivered").putNull("read"));
                                  });
                                  return null;
                                })));
                      }))));
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("A burst of receipts is coalesced: fewer announcements than receipts, the last with the highest watermark")
  void burstCoalesced(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    int count = 30;
    world(vertx, dir).compose(w -> w.client().connect(w.alice()).compose(alice -> w.client().connect(w.bob())
        .compose(bob -> sendTexts(w.client(), w.alice(), alice, new JsonObject().put("to", w.bob().userId()), count)
            .compose(acks -> {
              String conversation = acks.get(0).getString("conversation");
              acks.forEach(ack -> bob.send(receipt(conversation, "read", ack.getString("msgId"), null)));
              String last = acks.get(count - 1).getString("msgId");
              List<JsonObject> seen = new ArrayList<>();
              return untilUpTo(alice, last, seen).map(v -> {
                ctx.verify(() -> assertThat(seen).hasSizeLessThan(count));
                return null;
              }).compose(v -> Future.join(alice.close(), bob.close())).mapEmpty();
            }))))
        .onComplete(ctx.succeedingThenComplete());
  }

  private static Future<Void> untilUpTo(TestSocket socket, String upTo, List<JsonObject> seen) {
    return nextReceipt(socket).compose(event -> {
      seen.add(event);
      return upTo.equals(event.getString("upTo")) ? Future.<Void>succeededFuture() : untilUpTo(socket, upTo, seen);
    });
  }
}
