package chat;

import static org.assertj.core.api.Assertions.assertThat;

import chat.support.ChatClient;
import chat.support.ChatClient.User;
import chat.support.InboxReader;
import chat.support.ReliableSender;
import chat.support.TestCluster;
import chat.support.TestSocket;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Any one process may die without an acked message being lost: a chat node, the Kafka broker or
 * Cassandra is killed with SIGKILL while three senders stream, and afterwards every acked message
 * reaches the recipient exactly once, in each conversation's send order, with dense seqs.
 */
@ExtendWith(VertxExtension.class)
@Order(Integer.MAX_VALUE) // last: it kills and restarts the shared Kafka and Cassandra
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 240, timeUnit = TimeUnit.SECONDS)
class ClusterFaultTest {
  private static final int PER_SENDER = 60;
  private static final long PAUSE_MS = 40;

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

  /**
   * Three senders (one per node) stream to one recipient; {@code fault} runs once they have some
   * acks; then the recipient (reconnecting as needed) must have every acked message once, in order.
   */
  private static void streamThrough(Vertx vertx, VertxTestContext ctx, String name, Fault fault) {
    ChatClient first = new ChatClient(vertx, cluster.port(0));
    first.newUser("phone").compose(bob -> Future.all(List.of(first.newUser("phone"), first.newUser("phone"),
        first.newUser("phone"))).compose(senders -> {
          List<ReliableSender> streams = new ArrayList<>();
          for (int s = 0; s < 3; s++) {
            int home = s;
            // each sender prefers its own node and falls back to the others
            streams.add(new ReliableSender(vertx, () -> rotate(cluster.alivePorts(), home), senders.resultAt(s),
                bob.userId(), name + s + "-", PER_SENDER, PAUSE_MS));
          }
          List<Future<Map<String, String>>> runs = streams.stream().map(ReliableSender::run).toList();
          return waitUntil(vertx, () -> streams.stream().allMatch(r -> r.ackedCount() >= PER_SENDER / 4))
              .compose(v -> vertx.executeBlocking(() -> {
                fault.inject();
                return null;
              }, false))
              .compose(v -> Future.all(runs))
              .compose(acked -> new InboxReader(vertx, cluster::alivePorts, bob).start()
                  .compose(reader -> reader.awaitEvents(3 * PER_SENDER).onComplete(x -> reader.close()))
                  .map(events -> {
                    ctx.verify(() -> verifyDelivery(events, runs));
                    return null;
                  }));
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  private static void verifyDelivery(List<JsonObject> events, List<Future<Map<String, String>>> runs) {
    assertThat(events).hasSize(3 * PER_SENDER);
    assertThat(events.stream().map(e -> e.getLong("seq")).toList())
        .isEqualTo(LongStream.rangeClosed(1, 3L * PER_SENDER).boxed().toList());
    List<String> delivered = events.stream().map(e -> e.getString("msgId")).toList();
    assertThat(delivered).doesNotHaveDuplicates();
    for (Future<Map<String, String>> run : runs) {
      assertThat(delivered).containsAll(run.result().values());
    }
    Map<String, List<String>> bodiesByConversation = events.stream().collect(Collectors.groupingBy(
        e -> e.getString("conversation"), Collectors.mapping(e -> e.getString("body"), Collectors.toList())));
    for (List<String> bodies : bodiesByConversation.values()) {
      List<Integer> order = bodies.stream().map(b -> Integer.parseInt(b.substring(b.lastIndexOf('-') + 1))).toList();
      assertThat(order).isSorted().doesNotHaveDuplicates().hasSize(PER_SENDER);
    }
  }

  private static List<Integer> rotate(List<Integer> ports, int by) {
    List<Integer> rotated = new ArrayList<>(ports);
    java.util.Collections.rotate(rotated, -Math.min(by, Math.max(0, rotated.size() - 1)));
    return rotated;
  }

  private static Future<Void> waitUntil(Vertx vertx, BooleanSupplier condition) {
    Promise<Void> promise = Promise.promise();
    vertx.setPeriodic(50, id -> {
      if (condition.getAsBoolean()) {
        vertx.cancelTimer(id);
        promise.tryComplete();
      }
    });
    return promise.future();
  }

  private static void script(String... command) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("bash"));
    args.addAll(List.of(command));
    Process process = new ProcessBuilder(args).inheritIO().start();
    if (!process.waitFor(180, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed");
    }
  }

  @FunctionalInterface
  private interface Fault {
    void inject() throws Exception;
  }

  @Test
  @Order(0)
  @DisplayName("A user whose only session sat on a node that dies goes offline for a watcher on another node, with lastSeen")
  void presenceOfADeadNodesUser(Vertx vertx, VertxTestContext ctx) {
    ChatClient n0 = new ChatClient(vertx, cluster.port(0));
    ChatClient n2 = new ChatClient(vertx, cluster.port(2));
    n0.newUser("phone").compose(alice -> n0.newUser("phone").compose(bob -> n0.connect(alice).compose(a ->
        a.answer(new JsonObject().put("type", "send").put("id", "hi").put("to", bob.userId()).put("kind", "text")
                .put("body", "hi"))
            .compose(ack -> n0.awaitStored(alice, ack.getString("conversation"), ack.getString("msgId")))
            .compose(v -> n2.connect(bob))
            .compose(b -> {
              a.send(new JsonObject().put("type", "presence.subscribe").put("users", new JsonArray().add(bob.userId())));
              return presence(a, "online");
            })
            .compose(online -> vertx.executeBlocking(() -> {
              cluster.node(2).kill();
              return null;
            }, false))
            .compose(v -> presence(a, "offline"))
            .compose(offline -> vertx.executeBlocking(() -> cluster.restart(2), false).map(offline))
            .map(offline -> {
              ctx.verify(() -> assertThat(offline.getLong("lastSeen")).isPositive());
              return null;
            }))))
        .onComplete(ctx.succeedingThenComplete());
  }

  private static Future<JsonObject> presence(TestSocket socket, String status) {
    return socket.next().compose(frame -> "presence".equals(frame.getString("type"))
        && status.equals(frame.getString("status")) ? Future.succeededFuture(frame) : presence(socket, status));
  }

  @Test
  @Order(1)
  @DisplayName("kill -9 of a chat node mid-stream loses no acked message, and the node leaves the session directory")
  void chatNodeDies(Vertx vertx, VertxTestContext ctx) {
    streamThrough(vertx, ctx, "node", () -> {
      cluster.node(2).kill();
      long deadline = System.currentTimeMillis() + 10_000;
      // the survivors drop the dead node's users from the session directory within 10 s
      while (cluster.node(0).output().stream().noneMatch(l -> l.contains("dropped from the session directory"))) {
        if (System.currentTimeMillis() > deadline) {
          throw new AssertionError("the dead node's sessions were not purged within 10 s");
        }
        Thread.sleep(100);
      }
    });
  }

  @Test
  @Order(2)
  @DisplayName("kill -9 of the Kafka broker mid-stream, then a restart, loses no acked message")
  void kafkaDies(Vertx vertx, VertxTestContext ctx) throws Exception {
    if (!cluster.node(2).isAlive()) {
      cluster.restart(2);
    }
    streamThrough(vertx, ctx, "kafka", () -> {
      script("scripts/kafka.sh", "kill");
      Thread.sleep(2_000);
      script("scripts/kafka.sh", "start");
    });
  }

  @Test
  @Order(3)
  @DisplayName("kill -9 of Cassandra mid-stream, then a restart, loses no acked message")
  void cassandraDies(Vertx vertx, VertxTestContext ctx) {
    streamThrough(vertx, ctx, "cassandra", () -> {
      script("scripts/cassandra.sh", "kill");
      Thread.sleep(2_000);
      script("scripts/cassandra.sh", "start");
    });
  }
}
