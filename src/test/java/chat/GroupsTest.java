package chat;

import static chat.support.HttpAnswers.assertError;
import static chat.support.HttpAnswers.expect;
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
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group chat end to end over real HTTP and WebSocket: creation, membership and roles, the size
 * limit, system messages, history from the joining on, removal, and the conversation list. Runs on
 * an embedded node and, in the {@code cluster-e2e} pass, on the shared 3-node cluster, where the
 * client spreads calls and sockets over the nodes (so a group changed on one node is used on another).
 */
@ExtendWith(VertxExtension.class)
class GroupsTest {
  private static final String GROUPS = "/api/v1/groups";

  /** A client and four fresh users, each logged in on device "phone". */
  record World(ChatClient client, User alice, User bob, User carol, User dave) {
    Future<HttpResponse<Buffer>> call(HttpMethod method, String path, User as, JsonObject body) {
      return client.request(method, path, as.accessToken(), body);
    }

    /** Creates a group as {@code owner}; fails unless the answer is 201. */
    Future<JsonObject> create(User owner, String title, User... members) {
      JsonArray ids = new JsonArray();
      for (User m : members) {
        ids.add(m.userId());
      }
      return expect(201, call(HttpMethod.POST, GROUPS, owner, new JsonObject().put("title", title).put("members", ids)));
    }
  }

  private static Future<World> world(Vertx vertx, Path dir) {
    return TestNode.client(vertx, dir).compose(GroupsTest::users);
  }

  private static Future<World> users(ChatClient client) {
    return client.newUser("phone").compose(a -> client.newUser("phone").compose(b -> client.newUser("phone")
        .compose(c -> client.newUser("phone").map(d -> new World(client, a, b, c, d)))));
  }

  private static String path(JsonObject group) {
    return GROUPS + "/" + group.getString("groupId");
  }

  private static JsonObject roles(JsonObject group) {
    JsonObject roles = new JsonObject();
    group.getJsonArray("members").stream().map(JsonObject.class::cast)
        .forEach(m -> roles.put(m.getString("userId"), m.getString("role")));
    return roles;
  }

  private static JsonObject text(String conversation, String id, String body) {
    return new JsonObject().put("type", "send").put("id", id).put("conversation", conversation).put("kind", "text")
        .put("body", body);
  }



  /** The user's whole inbox, once it holds {@code count} events (the cluster writes inboxes after the ack). */
  private static Future<List<JsonObject>> inbox(ChatClient client, User user, int count) {
    return client.awaitInbox(user, count).compose(v -> client.connect(user)).compose(socket -> {
      socket.send(new JsonObject().put("type", "sync").put("since", 0));
      // an event may also be pushed live right after ready (protocol: a repeated seq is ignored)
      java.util.TreeMap<Long, JsonObject> bySeq = new java.util.TreeMap<>();
      return untilSynced(socket, bySeq).compose(v -> socket.close())
          .map(v -> new ArrayList<>(bySeq.values()).subList(0, count));
    });
  }

  private static Future<Void> untilSynced(TestSocket socket, java.util.Map<Long, JsonObject> bySeq) {
    return socket.next().compose(frame -> {
      if ("synced".equals(frame.getString("type"))) {
        return Future.succeededFuture();
      }
      bySeq.putIfAbsent(frame.getLong("seq"), frame);
      return untilSynced(socket, bySeq);
    });
  }

  private static List<String> eventTypes(List<JsonObject> frames) {
    return frames.stream().map(f -> f.getJsonObject("event") == null ? "text:" + f.getString("body")
        : f.getJsonObject("event").getString("type")).toList();
  }

  private static Future<JsonArray> history(World w, User as, String conversation) {
    return expect(200, w.call(HttpMethod.GET, "/api/v1/conversations/" + conversation + "/messages", as, null))
        .map(body -> body.getJsonArray("messages"));
  }

  @Test
  @DisplayName("Creating a group answers 201 with its ids, title and members (the creator owner), and only members may read it")
  void create(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    world(vertx, dir).compose(w -> w.create(w.alice(), "Team ✓", w.bob(), w.carol(), w.bob()).compose(group ->
        w.call(HttpMethod.GET, path(group), w.bob(), null).compose(byMember ->
            w.call(HttpMethod.GET, path(group), w.dave(), null).compose(byOutsider ->
                w.call(HttpMethod.GET, GROUPS + "/123456789", w.alice(), null).compose(unknown ->
                    w.call(HttpMethod.GET, GROUPS + "/not-a-group", w.alice(), null).map(malformed -> {
                      ctx.verify(() -> {
                        assertThat(group.fieldNames()).containsExactlyInAnyOrder("groupId", "conversationId", "title",
                            "members");
                        assertThat(group.getString("conversationId")).isEqualTo("g:" + group.getString("groupId"));
                        assertThat(group.getString("title")).isEqualTo("Team ✓");
                        assertThat(group.getJsonArray("members")).containsExactly(
                            new JsonObject().put("userId", w.alice().userId()).put("role", "owner"),
                            new JsonObject().put("userId", w.bob().userId()).put("role", "member"),
                            new JsonObject().put("userId", w.carol().userId()).put("role", "member"));
                        assertThat(byMember.statusCode()).isEqualTo(200);
                        assertThat(byMember.bodyAsJsonObject()).isEqualTo(group);
                        assertError(byOutsider, 403, "forbidden");
                        assertError(unknown, 404, "not_found");
                        assertError(malformed, 404, "not_found");
                      });
                      return null;
                    }))))))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Creating a group with an unknown user, a bad title or a bad member list is a 400, and more members than the limit a 409 group_full")
  void createRejects(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    JsonArray tooMany = new JsonArray(IntStream.rangeClosed(1, 1024).mapToObj(i -> "user-" + i).toList());
    world(vertx, dir).compose(w -> {
      List<JsonObject> bodies = List.of(
          new JsonObject().put("title", "x").put("members", new JsonArray().add(w.bob().userId()).add("no-such-user")),
          new JsonObject().put("members", new JsonArray()),
          new JsonObject().put("title", "   ").put("members", new JsonArray()),
          new JsonObject().put("title", "x".repeat(129)).put("members", new JsonArray()),
          new JsonObject().put("title", 42).put("members", new JsonArray()),
          new JsonObject().put("title", "x").put("members", "everyone"),
          new JsonObject().put("title", "x").put("members", new JsonArray().add(7)),
          new JsonObject().put("title", "x").put("members", tooMany));
      List<HttpResponse<Buffer>> answers = new ArrayList<>();
      Future<Void> chain = Future.succeededFuture();
      for (JsonObject body : bodies) {
        chain = chain.compose(v -> w.call(HttpMethod.POST, GROUPS, w.alice(), body).map(r -> {
          answers.add(r);
          return null;
        }));
      }
      return chain.compose(v -> w.client().post(GROUPS, new JsonObject().put("title", "x"))).map(anonymous -> {
        ctx.verify(() -> {
          for (int i = 0; i < 7; i++) {
            assertError(answers.get(i), 400, "bad_request");
          }
          assertError(answers.get(7), 409, "group_full");
          assertError(anonymous, 401, "unauthorized");
        });
        return null;
      });
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("A member's message reaches every member's devices, the sender's other devices included; a non-member is forbidden")
  void groupMessageFansOut(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    world(vertx, dir).compose(w -> w.create(w.alice(), "fan-out", w.bob(), w.carol()).compose(group -> {
      String conversation = group.getString("conversationId");
      ChatClient c = w.client();
      return c.connect(w.alice()).compose(alicePhone -> c.login(w.alice().username(), w.alice().password(), "laptop")
          .compose(c::connect).compose(aliceLaptop -> c.connect(w.bob()).compose(bob -> c.connect(w.carol())
              .compose(carol -> c.connect(w.dave()).compose(dave -> {
                Future<JsonObject> acked = alicePhone.answer(text(conversation, "g1", "hello group"));
                return bob.nextOfKind("text").compose(onBob -> carol.nextOfKind("text").compose(onCarol ->
                    aliceLaptop.nextOfKind("text").compose(onLaptop -> acked.compose(ack -> {
                      return dave.answer(text(conversation, "x1", "let me in")).map(refused -> {
                        ctx.verify(() -> {
                          assertThat(ack.getString("type")).as("%s", ack).isEqualTo("ack");
                          assertThat(ack.getString("conversation")).isEqualTo(conversation);
                          for (JsonObject m : List.of(onBob, onCarol, onLaptop)) {
                            assertThat(m.getString("msgId")).isEqualTo(ack.getString("msgId"));
                            assertThat(m.getString("conversation")).isEqualTo(conversation);
                            assertThat(m.getString("from")).isEqualTo(w.alice().userId());
                            assertThat(m.getString("body")).isEqualTo("hello group");
                          }
                          assertThat(onLaptop.getString("id")).isEqualTo("g1");
                          assertThat(onBob.containsKey("id")).isFalse();
                          assertThat(refused.getString("type")).isEqualTo("error");
                          assertThat(refused.getString("code")).isEqualTo("forbidden");
                          assertThat(refused.getString("ref")).isEqualTo("x1");
                        });
                        return null;
                      });
                    }))));
              })))));
    })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Every membership change is a system message in history and an event in the inbox of every member it concerns")
  void systemMessages(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    world(vertx, dir).compose(w -> w.create(w.alice(), "before", w.bob()).compose(group -> {
      String p = path(group);
      return expect(200, w.call(HttpMethod.PATCH, p, w.alice(), new JsonObject().put("title", "after")))
          .compose(v -> expect(200, w.call(HttpMethod.POST, p + "/members", w.alice(),
              new JsonObject().put("userIds", new JsonArray().add(w.carol().userId())))))
          .compose(v -> expect(200, w.call(HttpMethod.POST, p + "/admins", w.alice(),
              new JsonObject().put("userId", w.bob().userId()))))
          .compose(v -> expect(200, w.call(HttpMethod.DELETE, p + "/admins/" + w.bob().userId(), w.alice(), null)))
          .compose(v -> expect(200, w.call(HttpMethod.DELETE, p + "/members/" + w.carol().userId(), w.alice(), null)))
          .compose(v -> expect(200, w.call(HttpMethod.DELETE, p + "/members/" + w.bob().userId(), w.bob(), null)))
          .compose(v -> inbox(w.client(), w.bob(), 7).compose(bobs -> inbox(w.client(), w.carol(), 4)
              .compose(carols -> inbox(w.client(), w.alice(), 7).compose(alices ->
                  history(w, w.alice(), group.getString("conversationId")).map(history -> {
                    ctx.verify(() -> {
                      List<String> all = List.of("group.created", "group.renamed", "members.added", "admin.granted",
                          "admin.revoked", "member.removed", "member.left");
                      assertThat(eventTypes(bobs)).containsExactlyElementsOf(all);
                      assertThat(eventTypes(alices)).containsExactlyElementsOf(all);
                      assertThat(eventTypes(carols))
                          .containsExactly("members.added", "admin.granted", "admin.revoked", "member.removed");
                      JsonObject created = bobs.get(0);
                      assertThat(created.getString("kind")).isEqualTo("system");
                      assertThat(created.containsKey("body")).isFalse();
                      assertThat(created.getString("from")).isEqualTo(w.alice().userId());
                      assertThat(created.getJsonObject("event")).isEqualTo(new JsonObject().put("type", "group.created")
                          .put("by", w.alice().userId()).put("title", "before")
                          .put("members", new JsonArray().add(w.alice().userId()).add(w.bob().userId())));
                      assertThat(bobs.get(1).getJsonObject("event").getString("title")).isEqualTo("after");
                      assertThat(bobs.get(2).getJsonObject("event").getJsonArray("members"))
                          .containsExactly(w.carol().userId());
                      assertThat(carols.get(3).getJsonObject("event")).isEqualTo(new JsonObject()
                          .put("type", "member.removed").put("by", w.alice().userId()).put("userId", w.carol().userId()));
                      assertThat(bobs.get(6).getJsonObject("event")).isEqualTo(new JsonObject()
                          .put("type", "member.left").put("userId", w.bob().userId()));
                      List<String> newestFirst = new ArrayList<>(all);
                      java.util.Collections.reverse(newestFirst);
                      assertThat(history.stream().map(JsonObject.class::cast)
                          .map(m -> m.getJsonObject("event").getString("type")).toList())
                          .containsExactlyElementsOf(newestFirst);
                    });
                    return null;
                  })))));
    })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("A member added later reads the group's history from their joining on, not before")
  void historyFromJoining(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    world(vertx, dir).compose(w -> w.create(w.alice(), "late joiner", w.bob()).compose(group -> {
      String conversation = group.getString("conversationId");
      return w.client().connect(w.alice()).compose(alice -> alice.answer(text(conversation, "b1", "before you came"))
          .compose(before -> expect(200, w.call(HttpMethod.POST, path(group) + "/members", w.alice(),
              new JsonObject().put("userIds", new JsonArray().add(w.carol().userId())))))
          .compose(v -> alice.answer(text(conversation, "a1", "welcome carol")))
          .compose(after -> w.client().awaitStored(w.alice(), conversation, after.getString("msgId"))
              .compose(v -> history(w, w.carol(), conversation)).compose(carols -> history(w, w.bob(), conversation)
                  .map(bobs -> {
                    ctx.verify(() -> {
                      assertThat(carols.stream().map(JsonObject.class::cast).map(m -> m.getString("kind")).toList())
                          .containsExactly("text", "system");
                      assertThat(carols.getJsonObject(0).getString("body")).isEqualTo("welcome carol");
                      assertThat(carols.getJsonObject(1).getJsonObject("event").getString("type"))
                          .isEqualTo("members.added");
                      assertThat(bobs).hasSize(4);
                    });
                    return null;
                  }))));
    })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("A removed member learns of it, then gets no more messages, cannot page history or send, and the group leaves their list")
  void removedMember(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    world(vertx, dir).compose(w -> w.create(w.alice(), "shrinking", w.bob(), w.carol()).compose(group -> {
      String conversation = group.getString("conversationId");
      ChatClient c = w.client();
      return c.connect(w.alice()).compose(alice -> c.connect(w.bob()).compose(bob -> c.connect(w.carol())
          .compose(carol -> expect(200, w.call(HttpMethod.DELETE, path(group) + "/members/" + w.carol().userId(),
              w.alice(), null))
              .compose(after -> carol.nextEvent("member.removed"))
              .compose(removal -> {
                alice.send(text(conversation, "r1", "carol is gone"));
                return bob.nextOfKind("text");
              })
              .compose(onBob -> {
                // a message to the group after the removal would come before the answer to this
                carol.send(text(conversation, "c1", "still here?"));
                return carol.next();
              })
              .compose(refused -> w.call(HttpMethod.GET, "/api/v1/conversations/" + conversation + "/messages",
                  w.carol(), null).compose(historyAnswer -> w.call(HttpMethod.GET, path(group), w.carol(), null)
                  .compose(viewAnswer -> expect(200, w.call(HttpMethod.GET, "/api/v1/conversations", w.carol(), null))
                      .map(list -> {
                        ctx.verify(() -> {
                          assertThat(refused.getString("type")).as("%s", refused).isEqualTo("error");
                          assertThat(refused.getString("code")).isEqualTo("forbidden");
                          assertError(historyAnswer, 403, "forbidden");
                          assertError(viewAnswer, 403, "forbidden");
                          assertThat(list.getJsonArray("conversations")).isEmpty();
                        });
                        return null;
                      })))))));
    })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Only the owner or an admin renames and adds, only the owner grants admin, and the owner cannot be removed")
  void roles(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    world(vertx, dir).compose(w -> w.create(w.alice(), "roles", w.bob(), w.carol()).compose(group -> {
      String p = path(group);
      JsonObject addDave = new JsonObject().put("userIds", new JsonArray().add(w.dave().userId()));
      List<Function<Void, Future<HttpResponse<Buffer>>>> steps = List.of(
          v -> w.call(HttpMethod.PATCH, p, w.bob(), new JsonObject().put("title", "mine")),
          v -> w.call(HttpMethod.POST, p + "/members", w.bob(), addDave),
          v -> w.call(HttpMethod.POST, p + "/admins", w.bob(), new JsonObject().put("userId", w.carol().userId())),
          v -> w.call(HttpMethod.DELETE, p + "/members/" + w.carol().userId(), w.bob(), null),
          v -> w.call(HttpMethod.POST, p + "/admins", w.alice(), new JsonObject().put("userId", w.bob().userId())),
          v -> w.call(HttpMethod.PATCH, p, w.bob(), new JsonObject().put("title", "admin's title")),
          v -> w.call(HttpMethod.POST, p + "/members", w.bob(), addDave),
          v -> w.call(HttpMethod.DELETE, p + "/members/" + w.alice().userId(), w.bob(), null),
          v -> w.call(HttpMethod.POST, p + "/admins", w.bob(), new JsonObject().put("userId", w.carol().userId())),
          v -> w.call(HttpMethod.DELETE, p + "/members/" + w.dave().userId(), w.bob(), null),
          v -> w.call(HttpMethod.DELETE, p + "/members/" + w.dave().userId(), w.bob(), null),
          v -> w.call(HttpMethod.PATCH, p, w.dave(), new JsonObject().put("title", "outsider")));
      List<HttpResponse<Buffer>> answers = new ArrayList<>();
      Future<Void> chain = Future.succeededFuture();
      for (Function<Void, Future<HttpResponse<Buffer>>> step : steps) {
        chain = chain.compose(v -> step.apply(null).map(r -> {
          answers.add(r);
          return null;
        }));
      }
      return chain.map(v -> {
        ctx.verify(() -> {
          assertError(answers.get(0), 403, "forbidden");
          assertError(answers.get(1), 403, "forbidden");
          assertError(answers.get(2), 403, "forbidden");
          assertError(answers.get(3), 403, "forbidden");
          assertThat(roles(answers.get(4).bodyAsJsonObject()).getString(w.bob().userId())).isEqualTo("admin");
          assertThat(answers.get(5).bodyAsJsonObject().getString("title")).isEqualTo("admin's title");
          assertThat(roles(answers.get(6).bodyAsJsonObject()).getString(w.dave().userId())).isEqualTo("member");
          assertError(answers.get(7), 403, "forbidden");
          assertError(answers.get(8), 403, "forbidden");
          assertThat(roles(answers.get(9).bodyAsJsonObject()).containsKey(w.dave().userId())).isFalse();
          assertError(answers.get(10), 404, "not_found");
          assertError(answers.get(11), 403, "forbidden");
        });
        return null;
      });
    })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("An owner who leaves hands ownership to the oldest admin, else to the oldest member")
  void ownerLeaves(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    world(vertx, dir).compose(w -> w.create(w.alice(), "heirs", w.bob(), w.carol(), w.dave()).compose(group -> {
      String p = path(group);
      return expect(200, w.call(HttpMethod.POST, p + "/admins", w.alice(), new JsonObject().put("userId", w.carol().userId())))
          .compose(v -> expect(200, w.call(HttpMethod.DELETE, p + "/members/" + w.alice().userId(), w.alice(), null)))
          .compose(afterAlice -> expect(200, w.call(HttpMethod.DELETE, p + "/members/" + w.carol().userId(), w.carol(),
              null)).map(afterCarol -> {
                ctx.verify(() -> {
                  assertThat(roles(afterAlice)).isEqualTo(new JsonObject().put(w.bob().userId(), "member")
                      .put(w.carol().userId(), "owner").put(w.dave().userId(), "member"));
                  assertThat(roles(afterCarol)).isEqualTo(new JsonObject().put(w.bob().userId(), "owner")
                      .put(w.dave().userId(), "member"));
                });
                return null;
              }));
    })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("The conversation list shows a group with its title, last message and unread count, system messages not counted")
  void conversationList(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    world(vertx, dir).compose(w -> w.create(w.alice(), "listed", w.bob()).compose(group -> {
      String conversation = group.getString("conversationId");
      return w.client().connect(w.alice()).compose(alice -> alice.answer(text(conversation, "l1", "one"))
          .compose(v -> alice.answer(text(conversation, "l2", "two")))).compose(last -> w.client().awaitStored(w.alice(), conversation, last.getString("msgId"))
          .compose(v -> expect(200, w.call(HttpMethod.GET, "/api/v1/conversations", w.bob(), null)))
          .map(list -> {
            ctx.verify(() -> {
              JsonArray rows = list.getJsonArray("conversations");
              assertThat(rows).hasSize(1);
              JsonObject row = rows.getJsonObject(0);
              assertThat(row.getString("conversationId")).isEqualTo(conversation);
              assertThat(row.getString("kind")).isEqualTo("group");
              assertThat(row.getString("title")).isEqualTo("listed");
              assertThat(row.containsKey("peer")).isFalse();
              assertThat(row.getLong("unread")).isEqualTo(2L);
              assertThat(row.getJsonObject("lastMessage").getString("msgId")).isEqualTo(last.getString("msgId"));
            });
            return null;
          }));
    })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Adding members beyond the configured limit answers 409 group_full and changes nothing")
  void addBeyondLimit(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    TestNode.start(vertx, dir, c -> c.getJsonObject("groups").put("maxMembers", 3))
        .compose(node -> users(new ChatClient(vertx, node.port())))
        .compose(w -> w.create(w.alice(), "small", w.bob()).compose(group -> w.call(HttpMethod.POST,
            path(group) + "/members", w.alice(), new JsonObject().put("userIds",
                new JsonArray().add(w.carol().userId()).add(w.dave().userId())))
            .compose(full -> expect(200, w.call(HttpMethod.GET, path(group), w.alice(), null)).map(unchanged -> {
              ctx.verify(() -> {
                assertError(full, 409, "group_full");
                assertThat(unchanged).isEqualTo(group);
              });
              return null;
            }))))
        .onComplete(ctx.succeedingThenComplete());
  }
}
