package chat.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Three chat nodes of the cluster profile, each in its own JVM on loopback, sharing the Kafka and
 * Cassandra that {@code .ci/run} (or scripts/kafka.sh and scripts/cassandra.sh) started. Each
 * cluster gets its own Hazelcast cluster name, Kafka namespace and Cassandra keyspace, so clusters
 * of different test classes never see each other's data.
 */
public final class TestCluster implements AutoCloseable {
  public static final String KAFKA = System.getenv().getOrDefault("CHAT_TEST_KAFKA", "127.0.0.1:19092");
  public static final String CASSANDRA = System.getenv().getOrDefault("CHAT_TEST_CASSANDRA", "127.0.0.1:19042");

  private static TestCluster shared;

  private final Path dir;
  private final String runId;
  private final int[] hazelcastPorts;
  private final ChildNode[] nodes;
  private final Consumer<JsonObject> tweak;

  private TestCluster(Path dir, int size, Consumer<JsonObject> tweak) throws IOException {
    this.dir = dir;
    this.tweak = tweak;
    this.runId = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
    this.hazelcastPorts = new int[size];
    for (int i = 0; i < size; i++) {
      hazelcastPorts[i] = freePort();
    }
    this.nodes = new ChildNode[size];
  }

  /**
   * The 3-node cluster that the end-to-end suites share in a {@code chat.test.target=cluster} run:
   * started on first use, killed when the test JVM exits.
   */
  public static synchronized TestCluster shared() {
    if (shared == null) {
      try {
        TestCluster cluster = start(Files.createTempDirectory(Path.of("target"), "shared-cluster"), 3);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            cluster.close();
          } catch (InterruptedException ignored) {
            Thread.currentThread().interrupt();
          }
        }, "shared-cluster-stop"));
        shared = cluster;
      } catch (Exception e) {
        throw new IllegalStateException("the shared test cluster did not start", e);
      }
    }
    return shared;
  }

  /** Starts {@code size} nodes one after another (the first creates keyspace, tables and topics). */
  public static TestCluster start(Path dir, int size) throws Exception {
    return start(dir, size, config -> { });
  }

  /** The same, with {@code tweak} applied to every node's config. */
  public static TestCluster start(Path dir, int size, Consumer<JsonObject> tweak) throws Exception {
    TestCluster cluster = new TestCluster(dir, size, tweak);
    try {
      for (int i = 0; i < size; i++) {
        cluster.nodes[i] = ChildNode.start(cluster.config(i), dir.resolve("node" + i));
      }
      cluster.awaitPipeline();
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  /**
   * Listening is not yet serving: the Kafka consumer groups of the fan-out and inbox stages may
   * still be forming. One message carried end to end (first node to last) shows the whole path works.
   */
  private void awaitPipeline() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      ChatClient first = new ChatClient(vertx, port(0));
      first.newUser("canary").compose(from -> first.newUser("canary").compose(to ->
              first.connect(from).compose(socket -> socket.sendText("canary", to.userId(), "canary"))
                  .compose(ack -> new InboxReader(vertx, () -> List.of(port(nodes.length - 1)), to).start())
                  .compose(reader -> reader.awaitEvents(1).eventually(() -> {
                    reader.close();
                    return Future.succeededFuture();
                  }))))
          .toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** Starts node {@code index} again (after a kill), with the same settings. */
  public ChildNode restart(int index) throws Exception {
    nodes[index] = ChildNode.start(config(index), dir.resolve("node" + index));
    return nodes[index];
  }

  public JsonObject config(int index) {
    JsonObject config = TestNode.config(dir.resolve("node" + index).resolve("data"));
    config.put("profile", "cluster").put("nodeId", index + 1);
    config.getJsonObject("auth").put("jwtSecret", "test-cluster-secret-" + runId + "-0123456789abcdef");
    String members = java.util.Arrays.stream(hazelcastPorts).mapToObj(p -> "127.0.0.1:" + p)
        .collect(Collectors.joining(","));
    config.getJsonObject("cluster").put("host", "127.0.0.1").put("port", hazelcastPorts[index]).put("members", members)
        .put("name", runId);
    config.getJsonObject("kafka").put("bootstrap", KAFKA).put("namespace", runId)
        .put("messagesPartitions", 6).put("inboxPartitions", 6);
    config.getJsonObject("cassandra").put("contactPoints", CASSANDRA).put("keyspace", runId);
    config.getJsonObject("media").put("dir", dir.resolve("media").toString()); // one blob store for all nodes
    tweak.accept(config);
    return config;
  }

  public ChildNode node(int index) {
    return nodes[index];
  }

  public int port(int index) {
    return nodes[index].port;
  }

  public List<Integer> alivePorts() {
    List<Integer> ports = new ArrayList<>();
    for (ChildNode node : nodes) {
      if (node != null && node.isAlive()) {
        ports.add(node.port);
      }
    }
    return ports;
  }

  public int size() {
    return nodes.length;
  }

  /**
   * A free port below Linux's ephemeral range (32768 and up), so that no outgoing connection of
   * this or another process can take it between now and the moment the node binds it.
   */
  public static int freePort() throws IOException {
    java.util.Random random = new java.util.Random();
    for (int attempt = 0; attempt < 100; attempt++) {
      int candidate = 20_000 + random.nextInt(12_000);
      try (ServerSocket socket = new ServerSocket(candidate)) {
        return socket.getLocalPort();
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IOException("no free port in 20000..31999");
  }

  @Override
  public void close() throws InterruptedException {
    for (ChildNode node : nodes) {
      if (node != null) {
        node.close();
      }
    }
  }
}
