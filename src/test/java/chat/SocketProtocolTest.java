package chat;

import static org.assertj.core.api.Assertions.assertThat;

import chat.support.ChatClient;
import chat.support.ChatClient.User;
import chat.support.TestNode;
import chat.support.TestSocket;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Wire contract v1 over the WebSocket endpoint {@code /ws}, against a real node over real sockets:
 * authentication, send/ack/fan-out, idempotent retries, every error the edge answers, sync paging,
 * history and ping.
 */
@ExtendWith(VertxExtension.class)
class SocketProtocolTest {
  private static final String MULTIBYTE = "héllo 👋🏽 世界";

  /** A node and a client of it, with three fresh users, each logged in on device "phone". */
  record World(ChatClient client, User alice, User bob, User carol) {
    String direct(User a, User b) {
      return a.userId().compareTo(b.userId()) < 0 ? "d:" + a.userId() + ":" + b.userId()
          : "d:" + b.userId() + ":" + a.userId();
    }
  }

  private static Future<World> world(Vertx vertx, Path dir) {
    return TestNode.client(vertx, dir).compose(SocketProtocolTest::users);
  }

  /** A world on a node of its own, configured by {@code tweak} (skipped when the target is the shared cluster). */
  private static Future<World> world(Vertx vertx, Path dir, Consumer<JsonObject> tweak) {
    return TestNode.start(vertx, dir, tweak).compose(node -> users(new ChatClient(vertx, node.port())));
  }

  private static Future<World> users(ChatClient client) {
    return client.newUser("phone").compose(alice -> client.newUser("phone").compose(bob ->
        client.newUser("phone").map(carol -> new World(client, alice, bob, carol))));
  }

  private static JsonObject ping() {
    return new JsonObject().put("type", "ping");
  }

  private static JsonObject send(String id, String to, String body) {
    JsonObject frame = new JsonObject().put("type", "send");
    if (id != null) {
      frame.put("id", id);
    }
    return frame.put("to", to).put("kind", "text").put("body", body);
  }

  private static JsonObject sync(Object since, Object limit) {
    JsonObject frame = new JsonObject().put("type", "sync");
    if (since != null) {
      frame.put("since", since);
    }
    if (limit != null) {
      frame.put("limit", limit);
    }
    return frame;
  }

  /** Pings and expects the pong as the very next frame: proves the socket is open and nothing else was queued. */
  private static Future<Void> expectPong(VertxTestContext ctx, TestSocket socket) {
    socket.send(ping());
    return socket.next().map(frame -> {
      ctx.verify(() -> assertThat(frame.getString("type")).as("frame answering a ping: %s", frame.encode())
          .isEqualTo("pong"));
      return null;
    });
  }

  private static void assertError(JsonObject frame, String code, String ref) {
    assertThat(frame.getString("type")).as("frame %s", frame.encode()).isEqualTo("error");
    assertThat(frame.getString("code")).as("frame %s", frame.encode()).isEqualTo(code);
    assertThat(frame.getValue("message")).as("frame %s", frame.encode()).isInstanceOf(String.class);
    if (ref == null) {
      assertThat(frame.containsKey("ref")).as("frame %s has no ref", frame.encode()).isFalse();
    } else {
      assertThat(frame.getString("ref")).as("frame %s", frame.encode()).isEqualTo(ref);
    }
  }

  private static void assertUnauthorizedThenClosed(VertxTestContext ctx, JsonObject frame, Short closeCode) {
    ctx.verify(() -> {
      assertError(frame, "unauthorized", null);
      assertThat(closeCode).isEqualTo((short) 4401);
    });
  }

  /** Sends text messages one after the other, each after the previous ack; completes with the acks. */
  private static Future<List<JsonObject>> sendAll(TestSocket socket, String to, List<String> bodies) {
    List<JsonObject> acks = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < bodies.size(); i++) {
      String id = "m" + (i + 1);
      String body = bodies.get(i);
      chain = chain.compose(v -> socket.sendText(id, to, body).compose(ack -> "ack".equals(ack.getString("type"))
          ? Future.succeededFuture(acks.add(ack)).<Void>mapEmpty()
          : Future.failedFuture("expected an ack, got " + ack.encode())));
    }
    return chain.map(v -> acks);
  }

  private static WebSocketConnectOptions wsOptions(ChatClient client, String uri) {
    return new WebSocketConnectOptions().setHost("127.0.0.1").setPort(client.port).setURI(uri);
  }

  @Nested
  @DisplayName("Authentication")
  class Authentication {
    @Test
    @DisplayName("An auth frame is answered with ready carrying the user, the device and seq 0 for a new user")
    void authFrame(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
      world(vertx, dir).compose(w -> w.client().connect(w.alice()).map(socket -> {
        ctx.verify(() -> {
          assertThat(socket.ready.getString("type")).isEqualTo("ready");
          assertThat(socket.ready.getString("userId")).isEqualTo(w.alice().userId());
          assertThat(socket.ready.getString("deviceId")).isEqualTo("phone");
          assertThat(socket.ready.getValue("seq")).isEqualTo(0);
        });
        return null;
      })).onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("ready carries the newest inbox seq, for the recipient and for the sender alike")
    void readySeq(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
      world(vertx, dir).compose(w -> w.client().connect(w.alice())
          .compose(alice -> sendAll(alice, w.bob().userId(), List.of("one", "two")))
          .compose(acks -> w.client().awaitInbox(w.alice(), 2).compose(v -> w.client().awaitInbox(w.bob(), 2)).map(acks))
          .compose(acks -> w.client().connect(w.bob())
              .compose(bob -> w.client().login(w.alice().username(), w.alice().password(), "laptop")
                  .compose(w.client()::connect)
                  .map(aliceLaptop -> {
                    ctx.verify(() -> {
                      assertThat(bob.ready.getLong("seq")).isEqualTo(2L);
                      assertThat(aliceLaptop.ready.getString("deviceId")).isEqualTo("laptop");
                      assertThat(aliceLaptop.ready.getLong("seq")).isEqualTo(2L);
                      assertThat(acks.get(1).getLong("seq")).isEqualTo(TestNode.ackSeq(2L));
                    });
                    return null;
                  }))))
          .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("A token in the Authorization header authenticates at the upgrade: ready arrives without an auth frame")
    void bearerHeader(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
      world(vertx, dir).compose(w -> w.client()
          .connect(wsOptions(w.client(), "/ws").putHeader("Authorization", "Bearer " + w.alice().accessToken()))
          .compose(socket -> socket.next().compose(ready -> {
            ctx.verify(() -> {
              assertThat(ready.getString("type")).isEqualTo("ready");
              assertThat(ready.getString("userId")).isEqualTo(w.alice().userId());
              assertThat(ready.getString("deviceId")).isEqualTo("phone");
              assertThat(ready.getLong("seq")).isEqualTo(0L);
            });
            return expectPong(ctx, socket);
          })))
          .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("A token in the access_token query parameter authenticates at the upgrade")
    void accessTokenQuery(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
      world(vertx, dir).compose(w -> w.client()
          .connect(wsOptions(w.client(), "/ws?access_token=" + w.alice().accessToken()))
          .compose(socket -> socket.next().compose(ready -> {
            ctx.verify(() -> {
              assertThat(ready.getString("type")).isEqualTo("ready");
              assertThat(ready.getString("userId")).isEqualTo(w.alice().userId());
            });
            return expectPong(ctx, socket);
          })))
          .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("A bad token in the auth frame is answered with unauthorized, then the socket is closed with 4401")
    void badTokenFrame(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
      world(vertx, dir).compose(w -> w.client().connect().compose(socket -> {
        socket.send(new JsonObject().put("type", "auth").put("token", w.alice().accessToken() + "x"));
        return socket.next().compose(error -> socket.closed().map(code -> {
          assertUnauthorizedThenClosed(ctx, error, code);
          return null;
        }));
      })).onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("A bad token in the Authorization header is answered with unauthorized, then close 4401")
    void badTokenHeader(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
      world(vertx, dir).compose(w -> w.client()
          .connect(wsOptions(w.client(), "/ws").putHeader("Authorization", "Bearer not-a-token"))
          .compose(socket -> socket.next().compose(error -> socket.closed().map(code -> {
            assertUnauthorizedThenClosed(ctx, error, code);
            return null;
          }))))
          .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("A first frame that is not auth is answered with unauthorized, then close 4401")
    void firstFrameNotAuth(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
      world(vertx, dir).compose(w -> w.client().connect().compose(socket -> {
        socket.send(ping());
        return socket.next().compose(error -> socket.closed().map(code -> {
          assertUnauthorizedThenClosed(ctx, error, code);
          return null;
        }));
      })).onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("A socket that does not authenticate within the auth timeout gets unauthorized, then close 4401")
    void authTimeout(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
      // The server's own timer is the subject here: it is configured small and simply awaited.
      world(vertx, dir, config -> config.getJsonObject("http").put("authTimeoutMs", 300))
          .compose(w -> w.client().connect())
          .compose(socket -> socket.next().compose(error -> socket.closed().map(code -> {
            assertUnauthorizedThenClosed(ctx, error, code);
            return null;
          })))
          .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("A second auth frame after ready is a bad_request and the socket stays open")
    void secondAuth(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
      world(vertx, dir).compose(w -> w.client().connect(w.alice()).compose(socket -> {
        socket.send(new JsonObject().put("type", "auth").put("token", w.alice().accessToken()).put("id", "again"));
        return socket.next().compose(error -> {
          ctx.verify(() -> assertError(error, "bad_request", "again"));
          return expectPong(ctx, socket);
        });
      })).onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("Frames sent right behind the auth frame, before ready arrived, are served after ready")
    void pipelinedAfterAuthFrame(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
      world(vertx, dir).compose(w -> w.client().connect().compose(socket -> {
        socket.send(new JsonObject().put("type", "auth").put("token", w.alice().accessToken()));
        socket.send(sync(0, null));
        socket.send(ping());
        return socket.next(3).map(frames -> {
          ctx.verify(() -> {
            assertThat(frames.get(0).getString("type")).as("first frame %s", frames.get(0).encode()).isEqualTo("ready");
            // replies are asynchronous: the pong may overtake the synced
            assertThat(frames.subList(1, 3)).containsExactlyInAnyOrder(
                new JsonObject().put("type", "synced").put("seq", 0).put("more", false),
                new JsonObject().put("type", "pong"));
          });
          return null;
        });
      })).onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("With a token at the upgrade, a frame sent before ready arrived is served after ready")
    void pipelinedAfterHeaderToken(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
      world(vertx, dir).compose(w -> w.client()
          .connect(wsOptions(w.client(), "/ws").putHeader("Authorization", "Bearer " + w.alice().accessToken()))
          .compose(socket -> {
            socket.send(ping());
            return socket.next(2).map(frames -> {
              ctx.verify(() -> {
                assertThat(frames.get(0).getString("type")).as("first frame %s", frames.get(0).encode())
                    .isEqualTo("ready");
                assertThat(frames.get(1).getString("type")).as("second frame %s", frames.get(1).encode())
                    .isEqualTo("pong");
              });
              return null;
            });
          }))
          .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("An auth frame repeated before ready is a bad_request after ready and does not make live messages"
        + " arrive twice")
    void repeatedAuthBeforeReady(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
      world(vertx, dir).compose(w -> w.client().connect().compose(bob -> {
        JsonObject auth = new JsonObject().put("type", "auth").put("token", w.bob().accessToken());
        bob.send(auth);
        bob.send(auth);
        return bob.next().compose(ready -> w.client().connect(w.alice())
            .compose(alice -> alice.sendText("c1", w.bob().userId(), "once"))
            .compose(ack -> framesUntil(bob, "message", new ArrayList<>()))
            .compose(frames -> {
              bob.send(ping());
              return framesUntilPong(bob, frames);
            })
            .map(frames -> {
              ctx.verify(() -> {
                assertThat(ready.getString("type")).isEqualTo("ready");
                assertThat(frames).filteredOn(f -> "message".equals(f.getString("type")))
                    .as("message frames among %s", frames).hasSize(1);
                assertThat(frames).filteredOn(f -> "error".equals(f.getString("type")))
                    .as("error frames among %s", frames).singleElement()
                    .satisfies(error -> assertError(error, "bad_request", null));
              });
              return null;
            }));
      })).onComplete(ctx.succeedingThenComplete());
    }
  }

  /** Collects frames up to and including the first one of {@code type}. */
  private static Future<List<JsonObject>> framesUntil(TestSocket socket, String type, List<JsonObject> frames) {
    return socket.next().compose(frame -> {
      frames.add(frame);
      return type.equals(frame.getString("type")) ? Future.succeededFuture(frames) : framesUntil(socket, type, frames);
    });
  }

  /** Every frame is the message event of {@code ack} with seq 1; there are none unless {@code mayRepeat}. */
  private static void assertSameEvent(List<JsonObject> frames, JsonObject ack, boolean mayRepeat) {
    if (!mayRepeat) {
      assertThat(frames).as("frames before the pong").isEmpty();
    }
    for (JsonObject frame : frames) {
      assertThat(frame.getString("type")).as("%s", frame).isEqualTo("message");
      assertThat(frame.getString("msgId")).as("%s", frame).isEqualTo(ack.getString("msgId"));
      assertThat(frame.getLong("seq")).as("%s", frame).isEqualTo(1L);
    }
  }

  private static Future<List<JsonObject>> framesUntilPong(TestSocket socket, List<JsonObject> frames) {
    return socket.next().compose(frame -> {
      if ("pong".equals(frame.getString("type"))) {
        return Future.succeededFuture(frames);
      }
      frames.add(frame);
      return framesUntilPong(socket, frames);
    });
  }

  @Nested
  @DisplayName("Sending")
  class Sending {
    @Test
    @DisplayName("A message is acked to the sending socket only, and reaches every device of the recipient and"
        + " the sender's other devices")
    void fanOut(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
      world(vertx, dir).compose(w -> {
        ChatClient c = w.client();
        return c.connect(w.alice()).compose(alicePhone -> c.connect(w.bob()).compose(bobPhone ->
            c.login(w.alice().username(), w.alice().password(), "laptop").compose(c::connect).compose(aliceLaptop ->
                c.login(w.bob().username(), w.bob().password(), "tablet").compose(c::connect).compose(bobTablet ->
                    alicePhone.sendText("c-1", w.bob().userId(), "hi bob").compose(ack ->
                        bobPhone.next().compose(onBobPhone -> bobTablet.next().compose(onBobTablet ->
                            aliceLaptop.next().map(onAliceLaptop -> {
                              ctx.verify(() -> {
                                String conversation = w.direct(w.alice(), w.bob());
                                assertThat(ack.getString("type")).isEqualTo("ack");
                                assertThat(ack.getString("id")).isEqualTo("c-1");
                                assertThat(ack.getValue("msgId")).isInstanceOf(String.class);
                                assertThat(ack.getString("conversation")).isEqualTo(conversation);
                                assertThat(ack.getValue("ts")).isInstanceOf(Number.class);
                                assertThat(ack.getLong("seq")).isEqualTo(TestNode.ackSeq(1L));
                                for (JsonObject message : List.of(onBobPhone, onBobTablet, onAliceLaptop)) {
                                  assertThat(message.getString("type")).as("%s", message).isEqualTo("message");
                                  assertThat(message.getLong("seq")).as("%s", message).isEqualTo(1L);
                                  assertThat(message.getString("msgId")).isEqualTo(ack.getString("msgId"));
                                  assertThat(message.getString("conversation")).isEqualTo(conversation);
                                  assertThat(message.getString("from")).isEqualTo(w.alice().userId());
                                  assertThat(message.getString("kind")).isEqualTo("text");
                                  assertThat(message.getString("body")).isEqualTo("hi bob");
                                  assertThat(message.getLong("ts")).isEqualTo(ack.getLong("ts"));
                                }
                                assertThat(onBobPhone.containsKey("id")).as("recipient sees no client id").isFalse();
                                assertThat(onBobTablet.containsKey("id")).as("recipient sees no client id").isFalse();
                                assertThat(onAliceLaptop.getString("id")).isEqualTo("c-1");
                              });
                              return null;
                            }))))
                        // no echo on the sending socket: the pong comes right after the ack
                        .compose(v -> expectPong(ctx, alicePhone))))));
      }).onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("Sending again with the same id returns the same message and delivers nothing new")
    void idempotentRetry(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
      world(vertx, dir).compose(w -> w.client().connect(w.alice()).compose(alice -> w.client().connect(w.bob())
          .compose(bob -> alice.sendText("same", w.bob().userId(), "only once").compose(first ->
              bob.next().compose(delivered -> alice.sendText("same", w.bob().userId(), "only once")
                  .compose(second -> {
                    ctx.verify(() -> {
                      assertThat(first.getString("type")).isEqualTo("ack");
                      assertThat(second.getString("type")).isEqualTo("ack");
                      assertThat(second.getString("id")).isEqualTo("same");
                      assertThat(second.getString("msgId")).isEqualTo(first.getString("msgId"));
                      assertThat(second.getString("conversation")).isEqualTo(first.getString("conversation"));
                      assertThat(second.getLong("seq")).isEqualTo(first.getLong("seq"));
                      assertThat(second.getLong("ts")).isEqualTo(first.getLong("ts"));
                      assertThat(delivered.getString("msgId")).isEqualTo(first.getString("msgId"));
                    });
                    // nothing new for the recipient. The cluster may push the same event again
                    // (same seq), which a client ignores (docs/protocol.md, client guide).
                    bob.send(ping());
                    return framesUntilPong(bob, new ArrayList<>()).map(repushed -> {
                      ctx.verify(() -> assertSameEvent(repushed, first, TestNode.clusterTarget()));
                      return null;
                    });
                  })
                  .compose(v -> expectPong(ctx, alice))
                  .compose(v -> {
                    bob.send(sync(0, null));
                    return framesUntil(bob, "synced", new ArrayList<>());
                  })
                  .map(frames -> {
                    ctx.verify(() -> {
                      JsonObject synced = frames.remove(frames.size() - 1);
                      assertThat(synced).isEqualTo(new JsonObject().put("type", "synced").put("seq", 1)
                          .put("more", false));
                      assertThat(frames).hasSizeBetween(1, TestNode.clusterTarget() ? Integer.MAX_VALUE : 1);
                      assertSameEvent(frames, first, true);
                    });
                    return null;
                  }))))))
          .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("An id reused in another conversation is another message, with a msgId of its own")
    void idReusedInAnotherConversation(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
      world(vertx, dir).compose(w -> w.client().connect(w.alice()).compose(alice -> w.client().connect(w.bob())
          .compose(bob -> w.client().connect(w.carol()).compose(carol ->
              alice.sendText("dup", w.bob().userId(), "for bob").compose(first -> bob.next().compose(toBob ->
                  alice.sendText("dup", w.carol().userId(), "for carol").compose(second -> carol.next()
                      .map(toCarol -> {
                        ctx.verify(() -> {
                          assertThat(first.getString("type")).isEqualTo("ack");
                          assertThat(second.getString("type")).isEqualTo("ack");
                          assertThat(second.getString("msgId")).isNotEqualTo(first.getString("msgId"));
                          assertThat(second.getString("conversation")).isEqualTo(w.direct(w.alice(), w.carol()));
                          assertThat(second.getLong("seq")).isEqualTo(TestNode.ackSeq(2L));
                          assertThat(toBob.getString("msgId")).isEqualTo(first.getString("msgId"));
                          assertThat(toCarol.getString("msgId")).isEqualTo(second.getString("msgId"));
                          assertThat(toCarol.getString("body")).isEqualTo("for carol");
                        });
                        return null;
                      })
                      // and bob gets nothing more
                      .compose(v -> expectPong(ctx, bob)))))))))
          .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("Sending to a direct conversation id works like sending to the user")
    void viaConversation(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
      world(vertx, dir).compose(w -> w.client().connect(w.alice()).compose(alice -> w.client().connect(w.bob())
          .compose(bob -> {
            String conversation = w.direct(w.alice(), w.bob());
            alice.send(new JsonObject().put("type", "send").put("id", "k1").put("conversation", conversation)
                .put("kind", "text").put("body", "via conversation"));
            return alice.next().compose(ack -> bob.next().map(message -> {
              ctx.verify(() -> {
                assertThat(ack.getString("type")).isEqualTo("ack");
                assertThat(ack.getString("id")).isEqualTo("k1");
                assertThat(ack.getString("conversation")).isEqualTo(conversation);
                assertThat(message.getString("type")).isEqualTo("message");
                assertThat(message.getString("msgId")).isEqualTo(ack.getString("msgId"));
                assertThat(message.getString("conversation")).isEqualTo(conversation);
                assertThat(message.getString("from")).isEqualTo(w.alice().userId());
                assertThat(message.getString("body")).isEqualTo("via conversation");
                assertThat(message.containsKey("id")).isFalse();
              });
              return null;
            })).compose(v -> expectPong(ctx, alice));
          })))
          .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("Emoji and multibyte text round-trip exactly, live, in sync and in history")
    void multibyte(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
      world(vertx, dir).compose(w -> w.client().connect(w.alice()).compose(alice -> w.client().connect(w.bob())
          .compose(bob -> alice.sendText("u1", w.bob().userId(), MULTIBYTE).compose(ack -> bob.next()
              .compose(live -> {
                bob.send(sync(0, 10));
                return bob.next(2).compose(synced -> {
                  bob.send(new JsonObject().put("type", "history").put("conversation", ack.getString("conversation")));
                  return bob.next().map(history -> {
                    ctx.verify(() -> {
                      assertThat(live.getString("body")).isEqualTo(MULTIBYTE);
                      assertThat(synced.get(0).getString("body")).isEqualTo(MULTIBYTE);
                      assertThat(history.getJsonArray("messages").getJsonObject(0).getString("body"))
                          .isEqualTo(MULTIBYTE);
                    });
                    return null;
                  });
                });
              })))))
          .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("A body of exactly 16000 characters is accepted")
    void longestBody(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
      String body = "y".repeat(16_000);
      world(vertx, dir).compose(w -> w.client().connect(w.alice()).compose(alice -> w.client().connect(w.bob())
          .compose(bob -> alice.sendText("long", w.bob().userId(), body).compose(ack -> bob.next().map(message -> {
            ctx.verify(() -> {
              assertThat(ack.getString("type")).as("%s", ack.getString("type")).isEqualTo("ack");
              assertThat(message.getString("body")).isEqualTo(body);
            });
            return null;
          })))))
          .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("Past the send burst, messages are answered with rate_limited")
    void rateLimited(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
      world(vertx, dir, config -> config.getJsonObject("limits").put("sendBurst", 3).put("sendPerSecond", 0.001))
          .compose(w -> w.client().connect(w.alice()).compose(alice -> {
            List<JsonObject> answers = new ArrayList<>();
            Future<Void> chain = Future.succeededFuture();
            for (int i = 1; i <= 5; i++) {
              String id = "r" + i;
              chain = chain.compose(v -> alice.sendText(id, w.bob().userId(), "burst " + id).map(answers::add)
                  .mapEmpty());
            }
            return chain.map(v -> {
              ctx.verify(() -> {
                for (int i = 0; i < 3; i++) {
                  assertThat(answers.get(i).getString("type")).as("answer %s", answers.get(i)).isEqualTo("ack");
                  assertThat(answers.get(i).getString("id")).isEqualTo("r" + (i + 1));
                }
                assertError(answers.get(3), "rate_limited", "r4");
                assertError(answers.get(4), "rate_limited", "r5");
              });
              return null;
            }).compose(v -> expectPong(ctx, alice));
          }))
          .onComplete(ctx.succeedingThenComplete());
    }
  }

  /** A frame the edge must refuse with an error, leaving the socket open. */
  record BadFrame(String name, Function<World, Object> frame, String code, String ref) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static BadFrame text(String name, String text, String code) {
    return new BadFrame(name, w -> text, code, null);
  }

  private static BadFrame json(String name, Function<World, JsonObject> frame, String code, String ref) {
    return new BadFrame(name, frame::apply, code, ref);
  }

  static Stream<BadFrame> badFrames() {
    return Stream.of(
        text("text that is not JSON", "hello, server", "bad_request"),
        text("a JSON array", "[{\"type\":\"ping\"}]", "bad_request"),
        text("a JSON string", "\"ping\"", "bad_request"),
        json("an unknown type", w -> new JsonObject().put("type", "teleport").put("id", "e1"), "bad_request", "e1"),
        json("a frame without type", w -> new JsonObject().put("id", "e2"), "bad_request", "e2"),
        json("a send without id", w -> send(null, w.bob().userId(), "hi"), "bad_request", null),
        json("a send with both to and conversation",
            w -> send("e3", w.bob().userId(), "hi").put("conversation", w.direct(w.alice(), w.bob())),
            "bad_request", "e3"),
        json("a send with neither to nor conversation",
            w -> send("e4", null, "hi").put("conversation", (String) null), "bad_request", "e4"),
        json("a send of kind image", w -> send("e5", w.bob().userId(), "hi").put("kind", "image"),
            "bad_request", "e5"),
        json("a send with an empty body", w -> send("e6", w.bob().userId(), ""), "bad_request", "e6"),
        json("a send with a 16001-char body", w -> send("e7", w.bob().userId(), "z".repeat(16_001)),
            "bad_request", "e7"),
        json("a send to a user id that does not exist", w -> send("e8", "1", "hi"), "not_found", "e8"),
        json("a send to yourself", w -> send("e9", w.alice().userId(), "hi"), "bad_request", "e9"),
        json("a send to a conversation of two other users",
            w -> send("e10", null, "hi").put("conversation", w.direct(w.bob(), w.carol())), "forbidden", "e10"),
        json("a send to a malformed conversation id",
            w -> send("e11", null, "hi").put("conversation", "d:" + w.alice().userId()), "bad_request", "e11"),
        json("a send to group g:1", w -> send("e12", null, "hi").put("conversation", "g:1"), "not_found", "e12"),
        json("a sync with since -1", w -> sync(-1, 10).put("id", "e13"), "bad_request", "e13"),
        json("a sync with since \"x\"", w -> sync("x", 10).put("id", "e14"), "bad_request", "e14"),
        json("a sync with limit 0", w -> sync(0, 0).put("id", "e15"), "bad_request", "e15"),
        json("a sync with limit 501", w -> sync(0, 501).put("id", "e16"), "bad_request", "e16"),
        json("a history of a conversation of two other users",
            w -> new JsonObject().put("type", "history").put("id", "e17")
                .put("conversation", w.direct(w.bob(), w.carol())), "forbidden", "e17"),
        json("a history of a malformed conversation id",
            w -> new JsonObject().put("type", "history").put("id", "e18").put("conversation", "nope"),
            "bad_request", "e18"),
        json("a history with limit 101",
            w -> new JsonObject().put("type", "history").put("id", "e19")
                .put("conversation", w.direct(w.alice(), w.bob())).put("limit", 101), "bad_request", "e19"),
        json("a history with a before that is not a msgId",
            w -> new JsonObject().put("type", "history").put("id", "e20")
                .put("conversation", w.direct(w.alice(), w.bob())).put("before", "yesterday"), "bad_request", "e20"),
        text("a frame of 70,000 characters", send(null, "1", "w".repeat(70_000)).encode(), "too_large"),
        new BadFrame("a binary frame", w -> Buffer.buffer(ping().encode()), "bad_request", null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badFrames")
  @DisplayName("A bad frame is answered with an error (ref = its id) and the socket stays open")
  void badFrame(BadFrame bad, Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    world(vertx, dir).compose(w -> w.client().connect(w.alice()).compose(alice -> {
      Object frame = bad.frame().apply(w);
      if (frame instanceof JsonObject json) {
        alice.send(json);
      } else if (frame instanceof Buffer binary) {
        alice.ws.writeBinaryMessage(binary);
      } else {
        alice.ws.writeTextMessage((String) frame);
      }
      return alice.next().compose(error -> {
        ctx.verify(() -> assertError(error, bad.code(), bad.ref()));
        return expectPong(ctx, alice);
      });
    })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("A frame far over the transport limit closes the socket, with 1009 (message too big)")
  void overTransportLimit(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    world(vertx, dir).compose(w -> w.client().connect(w.alice()).compose(alice -> {
      alice.send(send("huge", w.bob().userId(), "h".repeat(1 << 20)));
      return alice.closed().map(code -> {
        // 1006 (abnormal closure) is what the client reports when the server's close frame is lost
        // because the server reset the connection while the client was still writing the megabyte
        ctx.verify(() -> assertThat(code).isIn((short) 1009, (short) 1006));
        return null;
      });
    })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("A message over the transport limit sent as small fragments closes the socket with 1009")
  void fragmentedOverTransportLimit(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    world(vertx, dir).compose(w -> w.client().connect(w.alice()).compose(alice -> {
      // five 64 KiB fragments of one text message: each frame is fine, the message (320 KiB) is
      // over the 256 KiB transport limit. The message is never finished, so nothing is written
      // after the limit is crossed and the server's close frame arrives intact.
      String chunk = "f".repeat(64 * 1024);
      alice.ws.writeFrame(WebSocketFrame.textFrame(chunk, false));
      for (int i = 0; i < 4; i++) {
        alice.ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(chunk), false));
      }
      return alice.closed().map(code -> {
        ctx.verify(() -> assertThat(code).isEqualTo((short) 1009));
        return null;
      });
    })).onComplete(ctx.succeedingThenComplete());
  }

  @Nested
  @DisplayName("Sync, history and ping")
  class Reading {
    @Test
    @DisplayName("sync pages through the inbox in seq order, and synced tells the last seq and whether more remain")
    void syncPaging(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
      List<String> bodies = List.of("s1", "s2", "s3", "s4", "s5", "s6", "s7");
      world(vertx, dir).compose(w -> w.client().connect(w.alice())
          .compose(alice -> sendAll(alice, w.bob().userId(), bodies))
          .compose(acks -> w.client().awaitInbox(w.bob(), bodies.size()).map(acks))
          .compose(acks -> w.client().connect(w.bob()).compose(bob -> {
            ctx.verify(() -> assertThat(bob.ready.getLong("seq")).isEqualTo(7L));
            return page(ctx, bob, 0, 3, List.of(1L, 2L, 3L), 3, true, acks)
                .compose(v -> page(ctx, bob, 3, 3, List.of(4L, 5L, 6L), 6, true, acks))
                .compose(v -> page(ctx, bob, 6, 3, List.of(7L), 7, false, acks))
                .compose(v -> page(ctx, bob, 7, 3, List.of(), 7, false, acks))
                .compose(v -> expectPong(ctx, bob));
          })))
          .onComplete(ctx.succeedingThenComplete());
    }

    /** One sync page: the expected seqs as message frames (matching the acks), then synced. */
    private Future<Void> page(VertxTestContext ctx, TestSocket socket, long since, int limit, List<Long> seqs,
                              long syncedSeq, boolean more, List<JsonObject> acks) {
      socket.send(sync(since, limit));
      return socket.next(seqs.size() + 1).map(frames -> {
        ctx.verify(() -> {
          for (int i = 0; i < seqs.size(); i++) {
            JsonObject message = frames.get(i);
            long seq = seqs.get(i);
            JsonObject ack = acks.get((int) seq - 1);
            assertThat(message.getString("type")).as("%s", message).isEqualTo("message");
            assertThat(message.getLong("seq")).isEqualTo(seq);
            assertThat(message.getString("msgId")).isEqualTo(ack.getString("msgId"));
            assertThat(message.getString("body")).isEqualTo("s" + seq);
            assertThat(message.containsKey("id")).isFalse();
          }
          assertThat(frames.get(seqs.size())).isEqualTo(new JsonObject().put("type", "synced").put("seq", syncedSeq)
              .put("more", more));
        });
        return null;
      });
    }

    @Test
    @DisplayName("sync without since and limit returns the whole inbox; the sender's copies carry its client ids")
    void syncDefaults(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
      world(vertx, dir).compose(w -> w.client().connect(w.alice()).compose(alice ->
          sendAll(alice, w.bob().userId(), List.of("a", "b"))
              .compose(acks -> w.client().awaitInbox(w.alice(), 2).map(acks)).compose(acks -> {
            alice.send(new JsonObject().put("type", "sync"));
            return alice.next(3).map(frames -> {
              ctx.verify(() -> {
                assertThat(frames.get(0).getLong("seq")).isEqualTo(1L);
                assertThat(frames.get(0).getString("id")).isEqualTo("m1");
                assertThat(frames.get(0).getString("body")).isEqualTo("a");
                assertThat(frames.get(1).getLong("seq")).isEqualTo(2L);
                assertThat(frames.get(1).getString("id")).isEqualTo("m2");
                assertThat(frames.get(1).getString("msgId")).isEqualTo(acks.get(1).getString("msgId"));
                assertThat(frames.get(2)).isEqualTo(new JsonObject().put("type", "synced").put("seq", 2)
                    .put("more", false));
              });
              return null;
            });
          })))
          .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("history returns a conversation's messages newest first, paged with before and limit")
    void history(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
      world(vertx, dir).compose(w -> w.client().connect(w.alice()).compose(alice ->
          sendAll(alice, w.bob().userId(), List.of("h1", "h2", "h3"))
              .compose(acks -> w.client().awaitStored(w.alice(), w.direct(w.alice(), w.bob()),
                  acks.get(2).getString("msgId")).map(acks))
              .compose(acks -> w.client().connect(w.bob())
              .compose(bob -> {
                String conversation = w.direct(w.alice(), w.bob());
                // live pushes of h1..h3 may still arrive (cluster): answer() skips them
                return bob.answer(new JsonObject().put("type", "history").put("id", "q1").put("conversation", conversation))
                    .compose(all -> bob.answer(new JsonObject().put("type", "history").put("id", "q2")
                        .put("conversation", conversation).put("before", acks.get(2).getString("msgId")).put("limit", 1))
                    .map(older -> {
                    ctx.verify(() -> {
                      assertThat(all.getString("type")).isEqualTo("history");
                      assertThat(all.getString("conversation")).isEqualTo(conversation);
                      JsonArray messages = all.getJsonArray("messages");
                      assertThat(messages).hasSize(3);
                      for (int i = 0; i < 3; i++) {
                        JsonObject m = messages.getJsonObject(i);
                        JsonObject ack = acks.get(2 - i);
                        assertThat(m.getString("msgId")).isEqualTo(ack.getString("msgId"));
                        assertThat(m.getString("conversation")).isEqualTo(conversation);
                        assertThat(m.getString("from")).isEqualTo(w.alice().userId());
                        assertThat(m.getString("kind")).isEqualTo("text");
                        assertThat(m.getString("body")).isEqualTo("h" + (3 - i));
                        assertThat(m.getLong("ts")).isEqualTo(ack.getLong("ts"));
                      }
                      assertThat(older.getString("type")).isEqualTo("history");
                      assertThat(older.getJsonArray("messages")).hasSize(1);
                      assertThat(older.getJsonArray("messages").getJsonObject(0).getString("body")).isEqualTo("h2");
                    });
                    return null;
                  }));
              }))))
          .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("ping is answered with pong")
    void pingPong(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
      world(vertx, dir).compose(w -> w.client().connect(w.alice()).compose(alice -> {
        alice.send(ping());
        return alice.next().map(pong -> {
          ctx.verify(() -> assertThat(pong).isEqualTo(new JsonObject().put("type", "pong")));
          return null;
        });
      })).onComplete(ctx.succeedingThenComplete());
    }
  }
}
