package chat.support;

import chat.Main;
import chat.config.ChatConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.function.Consumer;
import org.junit.jupiter.api.Assumptions;

/**
 * The deployment an end-to-end test drives. By default a real node in the test JVM: the shipped
 * defaults, a temp data dir, a free port, and cheap password hashing (the production Argon2 cost
 * would only slow the suite down). With {@code -Dchat.test.target=cluster} (the second surefire
 * run of the pom) the same tests drive one 3-node cluster profile shared by the whole run instead.
 */
public final class TestNode {
  private static final boolean CLUSTER = "cluster".equals(System.getProperty("chat.test.target"));

  private TestNode() {
  }

  /** True when the suites run against the shared 3-node cluster. */
  public static boolean clusterTarget() {
    return CLUSTER;
  }

  /** A client of the deployment under test: a fresh embedded node in {@code dir}, or the shared cluster. */
  public static Future<ChatClient> client(Vertx vertx, Path dir) {
    if (CLUSTER) {
      return Future.succeededFuture(new ChatClient(vertx, TestCluster.shared().alivePorts()));
    }
    return start(vertx, dir).map(node -> new ChatClient(vertx, node.port()));
  }

  /**
   * The {@code seq} an {@code ack} carries for a message that is the sender's {@code seq}-th inbox
   * event: the seq itself on the embedded profile, none (null) in the cluster, which acks before
   * the inbox stage has numbered the event.
   */
  public static Long ackSeq(long seq) {
    return CLUSTER ? null : seq;
  }

  /**
   * The HS256 secret the deployment signs access tokens with: the configured one, else the one an
   * embedded node generated into {@code <dataDir>/jwt.key}.
   */
  public static String jwtSecret(Path dataDir) {
    JsonObject config = CLUSTER ? TestCluster.shared().config(0) : config(dataDir);
    String configured = config.getJsonObject("auth").getString("jwtSecret");
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    try {
      return Files.readString(dataDir.resolve("jwt.key"), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static JsonObject config(Path dataDir) {
    try {
      JsonObject config = ChatConfig.defaults();
      config.put("dataDir", dataDir.toString());
      config.getJsonObject("http").put("port", 0).put("host", "127.0.0.1");
      config.getJsonObject("auth").put("argon2MemoryKiB", 256).put("argon2Iterations", 1);
      config.getJsonObject("limits").put("registerPerMinute", 10_000).put("loginPerMinute", 10_000);
      return config;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Future<Main.Node> start(Vertx vertx, Path dataDir) {
    return start(vertx, dataDir, c -> { });
  }

  /**
   * An embedded node of its own, closed after the test ({@link StartedNodes}) if the test leaves it
   * running; a test that needs one is skipped when the target is the shared cluster.
   */
  public static Future<Main.Node> start(Vertx vertx, Path dataDir, Consumer<JsonObject> tweak) {
    Assumptions.assumeFalse(CLUSTER, "needs a node of its own configuration; the shared cluster has one for all");
    JsonObject config = config(dataDir);
    tweak.accept(config);
    return Main.start(vertx, config).onSuccess(StartedNodes::add);
  }
}
