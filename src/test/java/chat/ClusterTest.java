package chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.support.ChatClient;
import chat.support.ChatClient.User;
import chat.support.ChildNode;
import chat.support.InboxReader;
import chat.support.TestCluster;
import chat.support.TestSocket;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-to-end behaviour of wire contract v1 on a 3-node cluster (Hazelcast event bus, Kafka,
 * Cassandra), with users spread so that conversations cross nodes.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class ClusterTest {
  @TempDir
  static Path dir;
  static TestCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = TestCluster.start(dir, 3);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static ChatClient on(Vertx vertx, int node) {
    return new ChatClient(vertx, cluster.port(node));
  }

  private static JsonObject send(String id, String to, String body) {
    return new JsonObject().put("type", "send").put("id", id).put("to", to).put("kind", "text").put("body", body);
  }

  @Test
  @DisplayName("A message crosses nodes: acked on the sender's node, pushed live to every device of both users elsewhere")
  void crossNodeDelivery(Vertx vertx, VertxTestContext ctx) {
    ChatClient n0 = on(vertx, 0);
    ChatClient n1 = on(vertx, 1);
    ChatClient n2 = on(vertx, 2);
    n0.newUser("phone").compose(alice -> n1.newUser("phone").compose(bob ->
        n2.login(bob.username(), bob.password(), "laptop").compose(bobLaptop ->
            n2.login(alice.username(), alice.password(), "tablet").compose(aliceTablet ->
                Future.all(n0.connect(alice), n1.connect(bob), n2.connect(bobLaptop), n2.connect(aliceTablet))
                    .compose(sockets -> {
                      TestSocket a = sockets.resultAt(0);
                      return a.sendText("x1", bob.userId(), "across the cluster ✓")
                          .compose(ack -> Future.all(((TestSocket) sockets.resultAt(1)).next(),
                              ((TestSocket) sockets.resultAt(2)).next(), ((TestSocket) sockets.resultAt(3)).next())
                              .compose(pushed -> n2.get("/api/v1/conversations/" + ack.getString("conversation")
                                  + "/messages", bob.accessToken()).map(history -> {
                                    ctx.verify(() -> {
                                      assertThat(ack.getString("type")).isEqualTo("ack");
                                      JsonObject phone = pushed.resultAt(0);
                                      JsonObject laptop = pushed.resultAt(1);
                                      JsonObject tablet = pushed.resultAt(2);
                                      for (JsonObject frame : List.of(phone, laptop, tablet)) {
                                        assertThat(frame.getString("type")).isEqualTo("message");
                                        assertThat(frame.getString("msgId")).isEqualTo(ack.getString("msgId"));
                                        assertThat(frame.getString("body")).isEqualTo("across the cluster ✓");
                                      }
                                      assertThat(phone.getLong("seq")).isEqualTo(1L);
                                      assertThat(phone.containsKey("id")).isFalse();
                                      assertThat(tablet.getString("id")).isEqualTo("x1");
                                      assertThat(history.statusCode()).isEqualTo(200);
                                      assertThat(history.bodyAsJsonObject().getJsonArray("messages")).hasSize(1);
                                    });
                                    return null;
                                  })));
                    })))))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("A group changed on one node is used on the others: fan-out reaches a member added elsewhere, and a member removed elsewhere is refused")
  void groupChangedOnOneNodeMessagedFromAnother(Vertx vertx, VertxTestContext ctx) {
    ChatClient n0 = on(vertx, 0);
    ChatClient n1 = on(vertx, 1);
    ChatClient n2 = on(vertx, 2);
    n0.newUser("phone").compose(alice -> n1.newUser("phone").compose(bob -> n2.newUser("phone").compose(carol ->
        n0.request(HttpMethod.POST, "/api/v1/groups", alice.accessToken(), new JsonObject().put("title", "spread")
                .put("members", new JsonArray().add(bob.userId())))
            .compose(created -> {
              String groupPath = "/api/v1/groups/" + created.bodyAsJsonObject().getString("groupId");
              String conversation = created.bodyAsJsonObject().getString("conversationId");
              JsonObject hello = new JsonObject().put("type", "send").put("id", "h1").put("conversation", conversation)
                  .put("kind", "text").put("body", "hello carol");
              JsonObject late = new JsonObject().put("type", "send").put("id", "b1").put("conversation", conversation)
                  .put("kind", "text").put("body", "am I still in?");
              return Future.all(n0.connect(alice), n1.connect(bob), n2.connect(carol)).compose(sockets -> {
                TestSocket a = sockets.resultAt(0);
                TestSocket b = sockets.resultAt(1);
                TestSocket c = sockets.resultAt(2);
                return n1.request(HttpMethod.POST, groupPath + "/members", alice.accessToken(),
                        new JsonObject().put("userIds", new JsonArray().add(carol.userId())))
                    .compose(added -> a.answer(hello))
                    .compose(ack -> c.nextOfKind("text"))
                    .compose(onCarol -> n2.request(HttpMethod.DELETE, groupPath + "/members/" + bob.userId(),
                        alice.accessToken(), null).compose(removed -> b.nextEvent("member.removed"))
                        .compose(removal -> b.answer(late))
                        .map(refused -> {
                          ctx.verify(() -> {
                            assertThat(onCarol.getString("body")).isEqualTo("hello carol");
                            assertThat(onCarol.getString("from")).isEqualTo(alice.userId());
                            assertThat(refused.getString("type")).as("%s", refused).isEqualTo("error");
                            assertThat(refused.getString("code")).isEqualTo("forbidden");
                          });
                          return null;
                        }));
              });
            }))))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Three senders on three nodes: the recipient gets every message once, dense seqs, each conversation in send order")
  void concurrentSendersAcrossNodes(Vertx vertx, VertxTestContext ctx) {
    int perSender = 40;
    on(vertx, 2).newUser("phone").compose(bob -> Future.all(IntStream.range(0, 3)
            .mapToObj(i -> on(vertx, i).newUser("phone").compose(u -> on(vertx, i).connect(u))).toList())
        .compose(all -> {
          List<Future<List<JsonObject>>> acks = new ArrayList<>();
          for (int s = 0; s < 3; s++) {
            TestSocket socket = all.resultAt(s);
            for (int i = 0; i < perSender; i++) {
              socket.send(send("m" + i, bob.userId(), s + ":" + i));
            }
            acks.add(socket.next(perSender));
          }
          return Future.all(acks).compose(v -> {
            for (Future<List<JsonObject>> answers : acks) {
              for (JsonObject answer : answers.result()) {
                if (!"ack".equals(answer.getString("type"))) {
                  return Future.failedFuture("a send was not acked: " + answer.encode());
                }
              }
            }
            return new InboxReader(vertx, cluster::alivePorts, bob).start();
          })
              .compose(reader -> reader.awaitEvents(3 * perSender).onComplete(x -> reader.close()))
              .map(events -> {
                ctx.verify(() -> {
                  assertThat(acks).allSatisfy(f -> assertThat(f.result())
                      .allSatisfy(a -> assertThat(a.getString("type")).isEqualTo("ack")));
                  assertThat(events).hasSize(3 * perSender);
                  assertThat(events.stream().map(e -> e.getLong("seq")).toList())
                      .isEqualTo(LongStream.rangeClosed(1, 3 * perSender).boxed().toList());
                  assertThat(events.stream().map(e -> e.getString("msgId")).distinct().count())
                      .isEqualTo(3L * perSender);
                  Map<String, List<JsonObject>> byConversation = events.stream()
                      .collect(Collectors.groupingBy(e -> e.getString("conversation")));
                  assertThat(byConversation).hasSize(3);
                  byConversation.values().forEach(conversation -> {
                    assertThat(conversation.stream().map(e -> Integer.parseInt(e.getString("body").split(":")[1])).toList())
                        .isEqualTo(IntStream.range(0, perSender).boxed().toList());
                    assertThat(conversation.stream().map(e -> Long.parseLong(e.getString("msgId"))).toList()).isSorted();
                  });
                });
                return null;
              });
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("A send retried on another node with the same id is stored and delivered once")
  void retryOnAnotherNode(Vertx vertx, VertxTestContext ctx) {
    ChatClient n0 = on(vertx, 0);
    ChatClient n1 = on(vertx, 1);
    n0.newUser("phone").compose(alice -> n1.newUser("phone").compose(bob ->
        n0.connect(alice).compose(a -> a.sendText("again", bob.userId(), "once"))
            .compose(first -> n1.connect(alice).compose(a -> a.sendText("again", bob.userId(), "once"))
                .compose(second -> n0.connect(alice).compose(a -> a.sendText("after", bob.userId(), "next")))
                .compose(third -> new InboxReader(vertx, cluster::alivePorts, bob).start()
                    .compose(reader -> reader.awaitEvents(2).onComplete(x -> reader.close()))
                    .map(events -> {
                      ctx.verify(() -> {
                        assertThat(events).extracting(e -> e.getString("body")).containsExactly("once", "next");
                        assertThat(events.get(0).getString("msgId")).isEqualTo(first.getString("msgId"));
                      });
                      return null;
                    })))))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("On any node, nobody reads or writes a conversation they are not in")
  void strangersAreRefusedEverywhere(Vertx vertx, VertxTestContext ctx) {
    ChatClient n0 = on(vertx, 0);
    ChatClient n2 = on(vertx, 2);
    n0.newUser("phone").compose(alice -> n0.newUser("phone").compose(bob -> n2.newUser("phone").compose(carol ->
        n0.connect(alice).compose(a -> a.sendText("p", bob.userId(), "private")).compose(ack -> {
          String conversation = ack.getString("conversation");
          return n2.connect(carol).compose(c -> {
            c.send(new JsonObject().put("type", "send").put("id", "x").put("conversation", conversation)
                .put("kind", "text").put("body", "intrude"));
            return c.next().compose(refused -> n2.get("/api/v1/conversations/" + conversation + "/messages",
                carol.accessToken()).map(rest -> {
                  ctx.verify(() -> {
                    assertThat(refused.getString("code")).isEqualTo("forbidden");
                    assertThat(rest.statusCode()).isEqualTo(403);
                  });
                  return null;
                }));
          });
        }))))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("A node that asks for a node id already held by a live member refuses to start")
  void duplicateNodeIdIsRefused() throws Exception {
    Path workDir = dir.resolve("duplicate");
    JsonObject config = cluster.config(0); // node 0's id, with a data dir, HTTP port and Hazelcast port of its own
    config.put("dataDir", workDir.resolve("data").toString());
    config.getJsonObject("cluster").put("port", TestCluster.freePort());
    assertThatThrownBy(() -> ChildNode.start(config, workDir)).hasMessageContaining("exited before listening")
        .hasMessageContaining("CHAT_NODE_ID 1 is used by cluster member");
  }

  @Test
  @DisplayName("Usernames are unique across nodes and a token from one node works on every other")
  void accountsAreClusterWide(Vertx vertx, VertxTestContext ctx) {
    ChatClient n0 = on(vertx, 0);
    ChatClient n1 = on(vertx, 1);
    n0.newUser("phone").compose(alice -> n1.post("/api/v1/auth/register",
            new JsonObject().put("username", alice.username()).put("password", "whatever-123"))
        .compose(taken -> n1.get("/api/v1/conversations", alice.accessToken()).map(list -> {
          ctx.verify(() -> {
            assertThat(taken.statusCode()).isEqualTo(409);
            assertThat(list.statusCode()).isEqualTo(200);
          });
          return null;
        })))
        .onComplete(ctx.succeedingThenComplete());
  }
}
