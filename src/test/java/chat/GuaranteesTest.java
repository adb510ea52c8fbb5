package chat;

import static org.assertj.core.api.Assertions.assertThat;

import chat.support.ChatClient;
import chat.support.ChatClient.User;
import chat.support.ChildNode;
import chat.support.TestNode;
import chat.support.TestSocket;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The five guarantees of wire contract v1, each driven over real sockets against a real node. */
@ExtendWith(VertxExtension.class)
class GuaranteesTest {

  private static JsonObject syncFrame(long since, int limit) {
    return new JsonObject().put("type", "sync").put("since", since).put("limit", limit);
  }

  /** Syncs from 0 until {@code synced} and returns the message frames received, in arrival order. */
  private static Future<List<JsonObject>> syncAll(TestSocket socket) {
    List<JsonObject> events = new ArrayList<>();
    return syncFrom(socket, 0, events).map(v -> events);
  }

  private static Future<Void> syncFrom(TestSocket socket, long since, List<JsonObject> into) {
    socket.send(syncFrame(since, 100));
    return collectUntilSynced(socket, into).compose(synced -> synced.getBoolean("more")
        ? syncFrom(socket, synced.getLong("seq"), into) : Future.succeededFuture());
  }

  private static Future<JsonObject> collectUntilSynced(TestSocket socket, List<JsonObject> into) {
    return socket.next().compose(frame -> {
      if ("synced".equals(frame.getString("type"))) {
        return Future.succeededFuture(frame);
      }
      into.add(frame);
      return collectUntilSynced(socket, into);
    });
  }

  @Test
  @DisplayName("Every message acked before kill -9 is in history and in the recipient's inbox after a restart")
  void ackedMessagesSurviveKill(Vertx vertx, VertxTestContext ctx, @TempDir Path tmp) throws Exception {
    Path dataDir = tmp.resolve("data");
    List<String> acked = new CopyOnWriteArrayList<>();
    User[] users = new User[2];
    try (ChildNode first = ChildNode.start(dataDir)) {
      ChatClient client = new ChatClient(vertx, first.port);
      int total = 200;
      int killAfter = 50;
      Future<Void> killed = client.newUser("phone").compose(alice -> client.newUser("phone").compose(bob -> {
        users[0] = alice;
        users[1] = bob;
        return client.connect(alice);
      })).compose(socket -> {
        io.vertx.core.Promise<Void> enough = io.vertx.core.Promise.promise();
        socket.ws.textMessageHandler(text -> {
          JsonObject frame = new JsonObject(text);
          if ("ack".equals(frame.getString("type"))) {
            acked.add(frame.getString("msgId"));
            if (acked.size() == killAfter) {
              enough.tryComplete();
            }
          }
        });
        // Pipelined: many sends are in flight when the process dies.
        for (int i = 0; i < total; i++) {
          socket.send(new JsonObject().put("type", "send").put("id", "k" + i).put("to", users[1].userId())
              .put("kind", "text").put("body", "durable " + i));
        }
        return enough.future();
      });
      killed.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      first.kill(); // SIGKILL right after the 50th ack
    }
    List<String> ackedAtKill = List.copyOf(acked);
    try (ChildNode second = ChildNode.start(dataDir)) {
      ChatClient client = new ChatClient(vertx, second.port);
      client.login(users[1].username(), users[1].password(), "phone")
          .compose(client::connect)
          .compose(GuaranteesTest::syncAll)
          .onComplete(ctx.succeeding(events -> ctx.verify(() -> {
            List<String> synced = events.stream().map(e -> e.getString("msgId")).toList();
            assertThat(synced).containsAll(ackedAtKill);
            assertThat(synced).doesNotHaveDuplicates();
            assertThat(events.stream().map(e -> e.getLong("seq")).toList())
                .isEqualTo(LongStreamRange.closed(1, events.size()));
            ctx.completeNow();
          })));
      assertThat(ctx.awaitCompletion(60, TimeUnit.SECONDS)).isTrue();
      if (ctx.failed()) {
        throw new AssertionError(ctx.causeOfFailure());
      }
    }
  }

  @Test
  @DisplayName("Concurrent senders: everyone sees each conversation in msgId order and each sender's send order")
  void concurrentSendersKeepOrder(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    int senders = 4;
    int perSender = 50;
    TestNode.start(vertx, dir).compose(node -> {
      ChatClient client = new ChatClient(vertx, node.port());
      return client.newUser("phone").compose(bob -> Future.all(IntStream.range(0, senders)
              .mapToObj(i -> client.newUser("phone").compose(client::connect)).toList())
          .compose(all -> {
            List<TestSocket> sockets = all.list();
            List<Future<List<JsonObject>>> acks = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
              TestSocket socket = sockets.get(s);
              for (int i = 0; i < perSender; i++) {
                socket.send(new JsonObject().put("type", "send").put("id", "m" + i).put("to", bob.userId())
                    .put("kind", "text").put("body", s + ":" + i));
              }
              acks.add(socket.next(perSender));
            }
            return Future.all(acks).compose(v -> client.connect(bob)).compose(GuaranteesTest::syncAll)
                .compose(events -> Future.all(sockets.stream().map(socket -> client.get(
                        "/api/v1/conversations/" + acks.get(sockets.indexOf(socket)).result().get(0).getString("conversation")
                            + "/messages?limit=100", bob.accessToken())).toList())
                    .map(histories -> {
                      ctx.verify(() -> {
                        assertThat(events).hasSize(senders * perSender);
                        assertThat(events.stream().map(e -> e.getLong("seq")).toList())
                            .isEqualTo(LongStreamRange.closed(1, senders * perSender));
                        Map<String, List<JsonObject>> byConversation = events.stream()
                            .collect(Collectors.groupingBy(e -> e.getString("conversation")));
                        for (List<JsonObject> conversation : byConversation.values()) {
                          List<Long> msgIds = conversation.stream().map(e -> Long.parseLong(e.getString("msgId"))).toList();
                          assertThat(msgIds).isSorted(); // inbox seq order == msgId order
                          List<Integer> sendOrder = conversation.stream()
                              .map(e -> Integer.parseInt(e.getString("body").split(":")[1])).toList();
                          assertThat(sendOrder).isEqualTo(IntStream.range(0, perSender).boxed().toList());
                        }
                        for (int s = 0; s < senders; s++) {
                          var page = histories.<io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer>>resultAt(s)
                              .bodyAsJsonObject().getJsonArray("messages");
                          List<Long> newestFirst = new ArrayList<>();
                          page.forEach(m -> newestFirst.add(Long.parseLong(((JsonObject) m).getString("msgId"))));
                          assertThat(newestFirst).hasSize(perSender).isSortedAccordingTo((a, b) -> Long.compare(b, a));
                        }
                      });
                      return null;
                    }));
          }));
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("A device that was offline gets every missed event exactly once, in seq order, then live ones")
  void offlineDeviceSyncsExactlyOnce(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    int missed = 30;
    TestNode.start(vertx, dir).compose(node -> {
      ChatClient client = new ChatClient(vertx, node.port());
      return client.newUser("phone").compose(alice -> client.newUser("phone").compose(bob ->
          client.connect(alice).compose(a -> {
            List<Future<JsonObject>> acks = new ArrayList<>();
            for (int i = 0; i < missed; i++) {
              acks.add(a.sendText("o" + i, bob.userId(), "while away " + i));
            }
            return Future.all(acks)
                .compose(v -> client.login(bob.username(), bob.password(), "laptop"))
                .compose(laptop -> Future.all(client.connect(bob), client.connect(laptop)))
                .compose(devices -> {
                  TestSocket phone = devices.resultAt(0);
                  TestSocket laptop = devices.resultAt(1);
                  return Future.all(syncAll(phone), syncAll(laptop)).compose(synced -> {
                    a.send(new JsonObject().put("type", "send").put("id", "live").put("to", bob.userId())
                        .put("kind", "text").put("body", "back online"));
                    return Future.all(phone.next(), laptop.next()).map(live -> {
                      ctx.verify(() -> {
                        assertThat(phone.ready.getLong("seq")).isEqualTo(missed);
                        for (int d = 0; d < 2; d++) {
                          List<JsonObject> events = synced.resultAt(d);
                          assertThat(events.stream().map(e -> e.getLong("seq")).toList())
                              .isEqualTo(LongStreamRange.closed(1, missed));
                          assertThat(events.stream().map(e -> e.getString("body")).toList())
                              .isEqualTo(IntStream.range(0, missed).mapToObj(i -> "while away " + i).toList());
                          JsonObject frame = live.resultAt(d);
                          assertThat(frame.getString("body")).isEqualTo("back online");
                          assertThat(frame.getLong("seq")).isEqualTo(missed + 1L);
                        }
                      });
                      return null;
                    });
                  });
                });
          })));
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("A send retried with the same client id, in sequence or at once, is stored and delivered once")
  void retriedSendIsStoredOnce(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    TestNode.start(vertx, dir).compose(node -> {
      ChatClient client = new ChatClient(vertx, node.port());
      return client.newUser("phone").compose(alice -> client.newUser("phone").compose(bob ->
          client.connect(alice).compose(a -> {
            // three copies at once, then one more after they are acked
            List<Future<JsonObject>> burst = List.of(a.sendText("same", bob.userId(), "once"),
                a.sendText("same", bob.userId(), "once"), a.sendText("same", bob.userId(), "once"));
            return Future.all(burst).compose(v -> a.sendText("same", bob.userId(), "once")).compose(late ->
                client.connect(bob).compose(GuaranteesTest::syncAll).map(events -> {
                  ctx.verify(() -> {
                    List<String> ids = new ArrayList<>(burst.stream().map(f -> f.result().getString("msgId")).toList());
                    ids.add(late.getString("msgId"));
                    assertThat(ids).containsOnly(ids.get(0));
                    assertThat(events).hasSize(1);
                    assertThat(events.get(0).getString("msgId")).isEqualTo(ids.get(0));
                  });
                  return null;
                }));
          })));
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Nobody reads or writes a conversation they are not in")
  void strangersCannotReadOrWrite(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    TestNode.start(vertx, dir).compose(node -> {
      ChatClient client = new ChatClient(vertx, node.port());
      return client.newUser("phone").compose(alice -> client.newUser("phone").compose(bob ->
          client.newUser("phone").compose(carol -> client.connect(alice)
              .compose(a -> a.sendText("s1", bob.userId(), "private"))
              .compose(ack -> {
                String conversation = ack.getString("conversation");
                return client.connect(carol).compose(c -> {
                  c.send(new JsonObject().put("type", "send").put("id", "x").put("conversation", conversation)
                      .put("kind", "text").put("body", "intrude"));
                  return c.next().compose(sendAnswer -> {
                    c.send(new JsonObject().put("type", "history").put("id", "h").put("conversation", conversation));
                    return c.next().compose(historyAnswer ->
                        client.get("/api/v1/conversations/" + conversation + "/messages", carol.accessToken())
                            .compose(rest -> client.connect(bob).compose(GuaranteesTest::syncAll).map(bobEvents -> {
                              ctx.verify(() -> {
                                assertThat(sendAnswer.getString("code")).isEqualTo("forbidden");
                                assertThat(sendAnswer.getString("ref")).isEqualTo("x");
                                assertThat(historyAnswer.getString("code")).isEqualTo("forbidden");
                                assertThat(rest.statusCode()).isEqualTo(403);
                                assertThat(bobEvents).extracting(e -> e.getString("body")).containsExactly("private");
                              });
                              return null;
                            })));
                  });
                });
              }))));
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("After a restart on the same data dir, tokens stay valid and history, inbox and seq carry on")
  void restartKeepsState(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    Map<String, Object> kept = new HashMap<>();
    TestNode.start(vertx, dir).compose(node -> {
      kept.put("node", node);
      ChatClient client = new ChatClient(vertx, node.port());
      return client.newUser("phone").compose(alice -> client.newUser("phone").compose(bob -> {
        kept.put("alice", alice);
        kept.put("bob", bob);
        return client.connect(alice).compose(a -> a.sendText("before", bob.userId(), "before restart"));
      }));
    }).compose(ack -> ((Main.Node) kept.get("node")).close())
        .compose(v -> TestNode.start(vertx, dir))
        .compose(node -> {
          ChatClient client = new ChatClient(vertx, node.port());
          User alice = (User) kept.get("alice");
          User bob = (User) kept.get("bob");
          // the access token issued before the restart still authenticates
          return client.connect(alice).compose(a -> a.sendText("after", bob.userId(), "after restart"))
              .compose(ack -> client.connect(bob)).compose(b -> syncAll(b).map(events -> {
                ctx.verify(() -> {
                  assertThat(b.ready.getLong("seq")).isEqualTo(2L);
                  assertThat(events).extracting(e -> e.getString("body")).containsExactly("before restart", "after restart");
                  assertThat(events).extracting(e -> e.getLong("seq")).containsExactly(1L, 2L);
                });
                return null;
              }));
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  /** 1..n as a list of longs. */
  private static final class LongStreamRange {
    static List<Long> closed(long from, long to) {
      return java.util.stream.LongStream.rangeClosed(from, to).boxed().toList();
    }
  }
}
