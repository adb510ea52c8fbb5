package chat.support;

import chat.Main;
import chat.config.ChatConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A real node in the test JVM: the shipped defaults, a temp data dir, a free port, and cheap
 * password hashing (the production Argon2 cost would only slow the suite down).
 */
public final class TestNode {
  private TestNode() {
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

  public static Future<Main.Node> start(Vertx vertx, Path dataDir, Consumer<JsonObject> tweak) {
    JsonObject config = config(dataDir);
    tweak.accept(config);
    return Main.start(vertx, config);
  }
}
