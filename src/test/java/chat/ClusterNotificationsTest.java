package chat;

import static org.assertj.core.api.Assertions.assertThat;

import chat.notify.P256;
import chat.notify.VapidKeys;
import chat.protocol.ConversationId;
import chat.support.ChatClient;
import chat.support.ChatClient.User;
import chat.support.LocalPushService;
import chat.support.LocalPushService.Push;
import chat.support.LocalPushService.Subscription;
import chat.support.TestCluster;
import chat.support.TestSocket;
import chat.support.WebhookReceiver;
import chat.support.WebhookReceiver.Call;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Notifications on a 3-node cluster: all nodes share one configured VAPID key and the webhook, and a
 * user's events are noticed by the one node that owns the user's inbox partition, so the user is
 * notified once per window, not once per node, wherever the sender and the subscription were.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
@DisplayName("Notifications in a cluster")
class ClusterNotificationsTest {
  private static final long WINDOW_MS = 2000;
  private static final String SECRET = "cluster-webhook-secret-0123456789";
  /** The key every node is configured with. */
  private static final VapidKeys VAPID = new VapidKeys(P256.generate());

  @TempDir
  static Path dir;
  static Vertx services;
  static LocalPushService push;
  static WebhookReceiver webhook;
  static TestCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    services = Vertx.vertx();
    push = LocalPushService.start(services).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    webhook = WebhookReceiver.start(services, SECRET).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    cluster = TestCluster.start(dir, 3, config -> {
      JsonObject notify = config.getJsonObject("notify").put("windowMs", WINDOW_MS)
          .put("retry", new JsonObject().put("maxAttempts", 3).put("baseDelayMs", 100).put("maxDelayMs", 400));
      notify.getJsonObject("webhook").put("url", webhook.url()).put("secret", SECRET);
      notify.getJsonObject("webPush").put("vapidPrivateKey", VAPID.privateKey()).put("allowHttpEndpoints", true)
          .put("subject", "mailto:ops@example.org");
    });
  }

  @AfterAll
  static void stopCluster() throws Exception {
    try {
      if (cluster != null) {
        cluster.close();
      }
    } finally {
      services.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static ChatClient on(Vertx vertx, int node) {
    return new ChatClient(vertx, cluster.port(node));
  }

  private static Future<JsonObject> ack(User to, TestSocket socket, String body) {
    return socket.sendText(ChatClient.uniqueName("c"), to.userId(), body).compose(frame ->
        "ack".equals(frame.getString("type")) ? Future.succeededFuture(frame)
            : Future.failedFuture("expected an ack, got " + frame.encode()));
  }

  @Test
  @DisplayName("An offline user is notified by one node only, at once and then once for the rest of the burst, with "
      + "pushes signed by the VAPID key every node serves")
  void oneNodeNotifies(Vertx vertx, VertxTestContext testContext) {
    ChatClient node0 = on(vertx, 0);
    ChatClient node1 = on(vertx, 1);
    ChatClient node2 = on(vertx, 2);
    Subscription browser = push.subscribe();
    int callsBefore = webhook.calls.all().size();
    node0.newUser("phone").compose(alice -> node1.newUser("phone").compose(bob ->
        node1.request(HttpMethod.POST, "/api/v1/push/subscriptions", bob.accessToken(), browser.toJson())
            .compose(r -> r.statusCode() == 201 ? node0.connect(alice) : Future.failedFuture("subscribe: "
                + r.statusCode() + " " + r.bodyAsString()))
            .compose(socket -> ack(bob, socket, "one").compose(a -> ack(bob, socket, "two"))
                .compose(a -> ack(bob, socket, "three")))
            .compose(acks -> Future.all(webhook.calls.next(), webhook.calls.next(), pushesOf(browser, 2)))
            .compose(got -> vertx.timer(WINDOW_MS + 700).compose(t -> node2.get("/api/v1/push/vapid-key", null))
                .map(vapidKey -> {
                  testContext.verify(() -> {
                    List<Call> calls = webhook.calls.all().subList(callsBefore, webhook.calls.all().size());
                    assertThat(calls).extracting(c -> c.body().getInteger("count")).containsExactly(1, 2);
                    assertThat(calls).allMatch(Call::signatureValid);
                    assertThat(calls).allSatisfy(c -> {
                      assertThat(c.body().getString("userId")).isEqualTo(bob.userId());
                      assertThat(c.body().getJsonArray("from").getList()).containsExactly(alice.userId());
                      assertThat(c.body().getJsonArray("conversations").getList())
                          .containsExactly(ConversationId.direct(alice.userId(), bob.userId()).value());
                    });
                    List<Push> pushes = got.resultAt(2);
                    assertThat(pushes).extracting(Push::problem).containsOnlyNulls();
                    assertThat(pushes).extracting(Push::vapidKey).containsOnly(VAPID.publicKey());
                    assertThat(pushes).extracting(Push::payload).containsExactlyElementsOf(
                        calls.stream().map(Call::body).toList());
                    assertThat(vapidKey.bodyAsJsonObject().getString("publicKey")).isEqualTo(VAPID.publicKey());
                  });
                  return null;
                }))))
        .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  @DisplayName("A user connected to another node than the sender's is not notified")
  void connectedElsewhereIsNotNotified(Vertx vertx, VertxTestContext testContext) {
    ChatClient node0 = on(vertx, 0);
    ChatClient node2 = on(vertx, 2);
    node0.newUser("phone").compose(alice -> node2.newUser("phone").compose(bob -> node2.connect(bob)
        .compose(bobSocket -> node0.connect(alice).compose(aliceSocket -> {
          int callsBefore = webhook.calls.all().size();
          return ack(bob, aliceSocket, "you are online").compose(a -> bobSocket.nextOfKind("text"))
              .compose(live -> vertx.timer(WINDOW_MS + 700))
              .map(t -> {
                testContext.verify(() -> assertThat(webhook.calls.all().subList(callsBefore, webhook.calls.all().size()))
                    .extracting(c -> c.body().getString("userId")).doesNotContain(bob.userId()));
                return null;
              });
        }))))
        .onComplete(testContext.succeedingThenComplete());
  }

  /** The next {@code n} pushes to {@code subscription}, skipping those to other subscriptions. */
  private static Future<List<Push>> pushesOf(Subscription subscription, int n) {
    return push.pushes.next().compose(p -> {
      if (!p.subscriptionId().equals(subscription.id())) {
        return pushesOf(subscription, n);
      }
      return n == 1 ? Future.succeededFuture(List.of(p))
          : pushesOf(subscription, n - 1).map(rest -> Stream.concat(Stream.of(p),
              rest.stream()).toList());
    });
  }
}
