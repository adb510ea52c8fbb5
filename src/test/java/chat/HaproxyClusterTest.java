package chat;

import static org.assertj.core.api.Assertions.assertThat;

import chat.support.ChatClient;
import chat.support.InboxReader;
import chat.support.SockJsClient;
import chat.support.TestCluster;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker/haproxy.cfg, unchanged, in front of a 3-node cluster on loopback (Debian's haproxy):
 * clients know one address, SockJS sessions stick to one node, and a node's death costs a client
 * a reconnect and a sync, not a message.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, timeUnit = TimeUnit.SECONDS)
class HaproxyClusterTest {
  @TempDir
  static Path dir;
  static TestCluster cluster;
  static Process haproxy;
  static int lbPort;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.start(dir, 3);
    try (ServerSocket socket = new ServerSocket(0)) {
      lbPort = socket.getLocalPort();
    }
    ProcessBuilder builder = new ProcessBuilder("haproxy", "-db", "-f", "docker/haproxy.cfg").inheritIO();
    builder.environment().putAll(Map.of("CHAT_LB_BIND", "127.0.0.1:" + lbPort,
        "CHAT_NODE1", "127.0.0.1:" + cluster.port(0), "CHAT_NODE2", "127.0.0.1:" + cluster.port(1),
        "CHAT_NODE3", "127.0.0.1:" + cluster.port(2)));
    haproxy = builder.start();
    Vertx vertx = Vertx.vertx();
    try {
      // ready once HAProxy has marked the nodes up (its health checks ask /ready)
      ChatClient client = new ChatClient(vertx, lbPort);
      long deadline = System.currentTimeMillis() + 30_000;
      while (true) {
        Integer status = client.get("/ready", null).map(r -> r.statusCode()).otherwise(0)
            .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        if (status == 200) {
          break;
        }
        if (System.currentTimeMillis() > deadline || !haproxy.isAlive()) {
          throw new IllegalStateException("HAProxy did not become ready");
        }
        Thread.sleep(200);
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (haproxy != null) {
      haproxy.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @DisplayName("Through one address, a WebSocket user and a SockJS long-polling user chat both ways")
  void webSocketAndSockJsThroughTheBalancer(Vertx vertx, VertxTestContext ctx) {
    ChatClient lb = new ChatClient(vertx, lbPort);
    lb.newUser("phone").compose(alice -> lb.newUser("browser").compose(bob ->
        lb.connect(alice).compose(a -> SockJsClient.xhr(vertx, lbPort).compose(b -> b.auth(bob.accessToken()))
            .compose(b -> a.sendText("w1", bob.userId(), "to the browser").compose(ack -> b.next())
                .compose(atBob -> b.sendText("s1", alice.userId(), "to the phone").compose(bAck -> a.next()
                    .map(atAlice -> {
                      ctx.verify(() -> {
                        assertThat(atBob.getString("body")).isEqualTo("to the browser");
                        assertThat(bAck.getString("type")).isEqualTo("ack");
                        assertThat(atAlice.getString("body")).isEqualTo("to the phone");
                      });
                      return null;
                    })))))))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("When the node behind a client dies, the client reconnects through the balancer and syncs everything")
  void nodeDeathBehindTheBalancer(Vertx vertx, VertxTestContext ctx) {
    ChatClient lb = new ChatClient(vertx, lbPort);
    lb.newUser("phone").compose(alice -> lb.newUser("phone").compose(bob ->
        lb.connect(alice).compose(a -> a.sendText("before", bob.userId(), "before"))
            .compose(ack -> vertx.executeBlocking(() -> {
              cluster.node(1).kill();
              return null;
            }, false))
            .compose(v -> sendWithRetry(lb, alice, bob.userId(), "after"))
            .compose(v -> new InboxReader(vertx, () -> List.of(lbPort), bob).start())
            .compose(reader -> reader.awaitEvents(2).onComplete(x -> reader.close()))
            .map(events -> {
              ctx.verify(() -> assertThat(events).extracting(e -> e.getString("body"))
                  .containsExactly("before", "after"));
              return null;
            })))
        .onComplete(ctx.succeedingThenComplete());
  }

  /** Connects through the balancer and sends until acked (a connection may still land on the dead node). */
  private static Future<JsonObject> sendWithRetry(ChatClient lb, ChatClient.User user, String to, String id) {
    return lb.connect(user).compose(socket -> socket.sendText(id, to, id).eventually(socket::close))
        .compose(answer -> "ack".equals(answer.getString("type")) ? Future.succeededFuture(answer)
            : Future.failedFuture(answer.encode()))
        .recover(e -> delay(lb.vertx, 300).compose(v -> sendWithRetry(lb, user, to, id)));
  }

  private static Future<Void> delay(Vertx vertx, long ms) {
    io.vertx.core.Promise<Void> promise = io.vertx.core.Promise.promise();
    vertx.setTimer(ms, t -> promise.complete());
    return promise.future();
  }
}
