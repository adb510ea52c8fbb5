package chat;

import static org.assertj.core.api.Assertions.assertThat;

import chat.notify.P256;
import chat.protocol.ConversationId;
import chat.support.ChatClient;
import chat.support.ChatClient.User;
import chat.support.LocalPushService;
import chat.support.LocalPushService.Push;
import chat.support.LocalPushService.Subscription;
import chat.support.TestNode;
import chat.support.TestSocket;
import chat.support.WebhookReceiver;
import chat.support.WebhookReceiver.Call;
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
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Notifications end to end on an embedded node: a real Web Push service on loopback
 * ({@link LocalPushService}, which checks VAPID and decrypts) and a webhook receiver
 * ({@link WebhookReceiver}, which checks the signature). The coalescing window is short here
 * ({@value #WINDOW_MS} ms) and retries start at 100 ms, so the suite stays quick.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Notifications for users who are not connected")
class NotificationsTest {
  private static final long WINDOW_MS = 1500;
  private static final String SECRET = "webhook-secret-of-the-tests-0123456789";
  private static final String SUBSCRIPTIONS = "/api/v1/push/subscriptions";

  @TempDir
  Path dir;

  record World(ChatClient client, LocalPushService push, WebhookReceiver webhook, User alice, User bob) {
    String conversation() {
      return ConversationId.direct(alice.userId(), bob.userId()).value();
    }

    /** A REST call as {@code as}, or without a token when {@code as} is null. */
    Future<HttpResponse<Buffer>> call(HttpMethod method, String path, User as, JsonObject body) {
      if (as != null) {
        return client.request(method, path, as.accessToken(), body);
      }
      var request = client.http.request(method, path);
      return body == null ? request.send() : request.sendJsonObject(body);
    }

    Future<Void> subscribe(User user, Subscription subscription) {
      return expect(201, call(HttpMethod.POST, SUBSCRIPTIONS, user, subscription.toJson())).mapEmpty();
    }

    Future<List<String>> endpoints(User user) {
      return expect(200, call(HttpMethod.GET, SUBSCRIPTIONS, user, null)).map(json -> json.getJsonArray("subscriptions")
          .stream().map(JsonObject.class::cast).map(s -> s.getString("endpoint")).toList());
    }
  }

  private Future<World> world(Vertx vertx, Consumer<JsonObject> tweak) {
    return LocalPushService.start(vertx).compose(push -> WebhookReceiver.start(vertx, SECRET).compose(webhook ->
        TestNode.start(vertx, dir, config -> {
          JsonObject notify = config.getJsonObject("notify").put("windowMs", WINDOW_MS)
              .put("retry", new JsonObject().put("maxAttempts", 4).put("baseDelayMs", 100).put("maxDelayMs", 1000));
          notify.getJsonObject("webhook").put("url", webhook.url()).put("secret", SECRET);
          notify.getJsonObject("webPush").put("allowHttpEndpoints", true).put("subject", "mailto:ops@example.org");
          tweak.accept(config);
        }).map(node -> new ChatClient(vertx, node.port()))
            .compose(client -> client.newUser("phone").compose(alice -> client.newUser("phone")
                .map(bob -> new World(client, push, webhook, alice, bob))))));
  }

  private static Future<JsonObject> expect(int status, Future<HttpResponse<Buffer>> call) {
    return call.compose(r -> r.statusCode() == status
        ? Future.succeededFuture(r.body() == null || r.body().length() == 0 ? new JsonObject() : r.bodyAsJsonObject())
        : Future.failedFuture("expected " + status + ", got " + r.statusCode() + " " + r.bodyAsString()));
  }

  /** Sends texts one after the other, each after the previous ack; the acks. */
  private static Future<List<JsonObject>> send(TestSocket socket, User to, String... bodies) {
    List<JsonObject> acks = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (String body : bodies) {
      chain = chain.compose(v -> socket.sendText(ChatClient.uniqueName("c"), to.userId(), body).compose(ack ->
          "ack".equals(ack.getString("type")) ? Future.succeededFuture(acks.add(ack)).<Void>mapEmpty()
              : Future.failedFuture("expected an ack, got " + ack.encode())));
    }
    return chain.map(v -> acks);
  }

  /** The notification JSON expected for messages from alice to bob acked as {@code acks}. */
  private static JsonObject expected(World w, List<JsonObject> acks) {
    return new JsonObject().put("userId", w.bob().userId()).put("count", acks.size())
        .put("from", new JsonArray().add(w.alice().userId())).put("conversations", new JsonArray().add(w.conversation()))
        .put("firstTs", acks.get(0).getLong("ts")).put("lastTs", acks.get(acks.size() - 1).getLong("ts"));
  }

  private static Future<Void> pause(Vertx vertx, long ms) {
    return vertx.timer(ms).mapEmpty();
  }

  /** Polls {@code check} every 50 ms until it holds, for at most 5 s. */
  private static Future<Void> eventually(Vertx vertx, Supplier<Future<Boolean>> check, int triesLeft) {
    return check.get().compose(holds -> holds ? Future.succeededFuture()
        : triesLeft == 0 ? Future.failedFuture("still not so after 5 s")
        : pause(vertx, 50).compose(v -> eventually(vertx, check, triesLeft - 1)));
  }

  @Test
  @DisplayName("An offline user hears of the first message at once and of the rest of a burst in one trailing notification, "
      + "by Web Push (VAPID-signed, decryptable) and by the signed webhook, never with the text")
  void burstIsCoalesced(Vertx vertx, VertxTestContext testContext) {
    world(vertx, c -> { }).compose(w -> {
      Subscription browser = w.push().subscribe();
      return w.subscribe(w.bob(), browser)
          .compose(v -> w.client().connect(w.alice()))
          .compose(alice -> send(alice, w.bob(), "the secret plan", "more of the secret plan", "the end of it"))
          .compose(acks -> Future.all(List.of(w.push().pushes.next(), w.push().pushes.next(), w.webhook().calls.next(),
                  w.webhook().calls.next(), expect(200, w.call(HttpMethod.GET, "/api/v1/push/vapid-key", null, null))))
              .map(all -> {
                testContext.verify(() -> {
                  Push first = all.resultAt(0);
                  Push trailing = all.resultAt(1);
                  Call firstCall = all.resultAt(2);
                  Call trailingCall = all.resultAt(3);
                  JsonObject vapidKey = all.resultAt(4);
                  assertThat(first.problem()).isNull();
                  assertThat(trailing.problem()).isNull();
                  assertThat(first.payload()).isEqualTo(expected(w, acks.subList(0, 1)));
                  assertThat(trailing.payload()).isEqualTo(expected(w, acks.subList(1, 3)));
                  assertThat(first.vapidKey()).isEqualTo(vapidKey.getString("publicKey"));
                  assertThat(List.of(firstCall.body(), trailingCall.body()))
                      .containsExactly(first.payload(), trailing.payload());
                  assertThat(firstCall.signatureValid()).isTrue();
                  assertThat(trailingCall.signatureValid()).isTrue();
                  assertThat(firstCall.notificationId()).isNotEqualTo(trailingCall.notificationId());
                  assertThat((trailingCall.atNanos() - firstCall.atNanos()) / 1_000_000).isGreaterThan(WINDOW_MS - 300);
                  assertThat(first.payload().encode() + trailing.payload().encode()).doesNotContain("secret");
                });
                return null;
              }));
    }).onComplete(testContext.succeedingThenComplete());
  }

  @Test
  @DisplayName("A user with a live session is not notified, and a trailing notification is dropped when the user is back "
      + "online before the window closes")
  void onlineUsersAreNotNotified(Vertx vertx, VertxTestContext testContext) {
    world(vertx, c -> { }).compose(w -> {
      List<JsonObject> notified = new ArrayList<>();
      return w.subscribe(w.bob(), w.push().subscribe())
          .compose(v -> w.client().connect(w.alice()))
          .compose(alice -> w.client().connect(w.bob())
              // online: delivered live, never notified
              .compose(bob -> send(alice, w.bob(), "while online").compose(acks -> bob.nextOfKind("text"))
                  .compose(live -> pause(vertx, WINDOW_MS + 300)).compose(v -> bob.close()))
              .compose(v -> pause(vertx, 300))
              // offline: notified at once; two more gathered, then bob is back before the window closes
              .compose(v -> send(alice, w.bob(), "first while away"))
              .compose(acks -> w.webhook().calls.next().map(call -> notified.add(expected(w, acks))))
              .compose(v -> send(alice, w.bob(), "gathered", "gathered too"))
              .compose(v -> w.client().connect(w.bob()))
              .compose(bob -> pause(vertx, WINDOW_MS + 300).compose(v -> bob.close()))
              .compose(v -> pause(vertx, 300))
              // offline again: the next notification covers only the newest message
              .compose(v -> send(alice, w.bob(), "after the window"))
              .compose(acks -> w.webhook().calls.next().map(call -> notified.add(expected(w, acks))))
              .compose(v -> pause(vertx, 300)))
          .map(v -> {
            testContext.verify(() -> {
              assertThat(w.webhook().calls.all()).extracting(Call::body).containsExactlyElementsOf(notified);
              assertThat(w.push().pushes.all()).extracting(Push::payload).containsExactlyElementsOf(notified);
            });
            return null;
          });
    }).onComplete(testContext.succeedingThenComplete());
  }

  @Test
  @DisplayName("A subscription the push service reports gone (410) is removed; the user's other subscriptions stay")
  void goneSubscriptionIsRemoved(Vertx vertx, VertxTestContext testContext) {
    world(vertx, c -> { }).compose(w -> {
      Subscription gone = w.push().subscribe();
      Subscription live = w.push().subscribe();
      w.push().answer(gone, 410);
      return w.subscribe(w.bob(), gone)
          .compose(v -> w.subscribe(w.bob(), live))
          .compose(v -> w.client().connect(w.alice()))
          .compose(alice -> send(alice, w.bob(), "hello"))
          .compose(acks -> Future.all(w.push().pushes.next(), w.push().pushes.next()))
          .compose(pushes -> eventually(vertx, () -> w.endpoints(w.bob()).map(List.of(live.endpoint())::equals), 100)
              .map(v -> {
                testContext.verify(() -> assertThat(pushes.<Push>list()).extracting(Push::subscriptionId)
                    .containsExactlyInAnyOrder(gone.id(), live.id()));
                return null;
              }));
    }).onComplete(testContext.succeedingThenComplete());
  }

  @Test
  @DisplayName("A webhook that answers 503 and then 500 gets the same signed notification again with backoff until it accepts")
  void webhookIsRetried(Vertx vertx, VertxTestContext testContext) {
    world(vertx, c -> { }).compose(w -> {
      w.webhook().answer(503, 500);
      return w.client().connect(w.alice())
          .compose(alice -> send(alice, w.bob(), "are you there"))
          .compose(acks -> Future.all(w.webhook().calls.next(), w.webhook().calls.next(), w.webhook().calls.next())
              .compose(all -> pause(vertx, 500).map(all))
              .map(all -> {
                testContext.verify(() -> {
                  List<Call> calls = w.webhook().calls.all();
                  assertThat(calls).hasSize(3);
                  assertThat(calls).extracting(Call::body).containsOnly(expected(w, acks));
                  assertThat(calls).extracting(Call::notificationId).containsOnly(calls.get(0).notificationId());
                  assertThat(calls).allMatch(Call::signatureValid);
                  assertThat((calls.get(1).atNanos() - calls.get(0).atNanos()) / 1_000_000).isGreaterThanOrEqualTo(50);
                  assertThat((calls.get(2).atNanos() - calls.get(1).atNanos()) / 1_000_000).isGreaterThanOrEqualTo(100);
                });
                return null;
              }));
    }).onComplete(testContext.succeedingThenComplete());
  }

  @Test
  @DisplayName("The push API serves the VAPID key, refuses bad subscriptions, lists the caller's without keys, keeps at most "
      + "the configured number (dropping the oldest), and deletes only the caller's own")
  void pushApi(Vertx vertx, VertxTestContext testContext) {
    world(vertx, c -> c.getJsonObject("notify").getJsonObject("webPush").put("maxSubscriptionsPerUser", 2)).compose(w -> {
      LocalPushService push = w.push();
      Subscription s1 = push.subscribe();
      Subscription s2 = push.subscribe();
      Subscription s3 = push.subscribe();
      JsonObject offCurve = s1.toJson();
      offCurve.getJsonObject("keys").put("p256dh", P256.base64Url(new byte[65]));
      JsonObject shortAuth = s1.toJson();
      shortAuth.getJsonObject("keys").put("auth", P256.base64Url(new byte[8]));
      JsonObject notHttps = s1.toJson().put("endpoint", "ftp://127.0.0.1/push/s1");
      return expect(200, w.call(HttpMethod.GET, "/api/v1/push/vapid-key", null, null))
          .compose(key -> {
            testContext.verify(() -> assertThat(P256.fromBase64Url(key.getString("publicKey"))).hasSize(65).startsWith(4));
            return expect(401, w.call(HttpMethod.POST, SUBSCRIPTIONS, null, s1.toJson()));
          })
          .compose(v -> expect(400, w.call(HttpMethod.POST, SUBSCRIPTIONS, w.bob(), offCurve)))
          .compose(v -> expect(400, w.call(HttpMethod.POST, SUBSCRIPTIONS, w.bob(), shortAuth)))
          .compose(v -> expect(400, w.call(HttpMethod.POST, SUBSCRIPTIONS, w.bob(), notHttps)))
          .compose(v -> expect(404, w.call(HttpMethod.DELETE, SUBSCRIPTIONS, w.bob(),
              new JsonObject().put("endpoint", s1.endpoint()))))
          .compose(v -> w.subscribe(w.bob(), s1)).compose(v -> pause(vertx, 5))
          .compose(v -> w.subscribe(w.bob(), s2)).compose(v -> pause(vertx, 5))
          .compose(v -> w.subscribe(w.bob(), s3))
          .compose(v -> expect(200, w.call(HttpMethod.GET, SUBSCRIPTIONS, w.bob(), null)))
          .compose(listed -> {
            testContext.verify(() -> {
              assertThat(listed.getJsonArray("subscriptions").stream().map(JsonObject.class::cast)
                  .map(s -> s.getString("endpoint"))).containsExactly(s2.endpoint(), s3.endpoint());
              assertThat(listed.encode()).doesNotContain("p256dh").doesNotContain("auth");
            });
            return expect(404, w.call(HttpMethod.DELETE, SUBSCRIPTIONS, w.alice(),
                new JsonObject().put("endpoint", s2.endpoint())));
          })
          .compose(v -> expect(204, w.call(HttpMethod.DELETE, SUBSCRIPTIONS, w.bob(),
              new JsonObject().put("endpoint", s2.endpoint()))))
          .compose(v -> w.endpoints(w.bob()))
          .map(endpoints -> {
            testContext.verify(() -> assertThat(endpoints).containsExactly(s3.endpoint()));
            return null;
          });
    }).onComplete(testContext.succeedingThenComplete());
  }
}
