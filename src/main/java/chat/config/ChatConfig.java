package chat.config;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Loads the node's settings: the defaults in {@code conf/chat.json} on the classpath, then an
 * optional {@code -conf FILE} merged over them, then environment variables. Verticles receive the
 * merged object and parse their own part into a small record.
 */
public final class ChatConfig {
  /** Environment variable → dotted config path. Values are parsed as JSON when they look like numbers or booleans. */
  static final Map<String, String> ENV_OVERRIDES = Map.ofEntries(
      Map.entry("CHAT_PROFILE", "profile"),
      Map.entry("CHAT_NODE_ID", "nodeId"),
      Map.entry("CHAT_DATA_DIR", "dataDir"),
      Map.entry("CHAT_STORE_ENGINE", "store.engine"),
      Map.entry("CHAT_HTTP_HOST", "http.host"),
      Map.entry("CHAT_HTTP_PORT", "http.port"),
      Map.entry("CHAT_HTTP_INSTANCES", "http.instances"),
      Map.entry("CHAT_JWT_SECRET", "auth.jwtSecret"),
      Map.entry("CHAT_ACCESS_TTL_SECONDS", "auth.accessTtlSeconds"),
      Map.entry("CHAT_CLUSTER_HOST", "cluster.host"),
      Map.entry("CHAT_CLUSTER_PORT", "cluster.port"),
      Map.entry("CHAT_CLUSTER_MEMBERS", "cluster.members"),
      Map.entry("CHAT_CLUSTER_NAME", "cluster.name"),
      Map.entry("CHAT_KAFKA_BOOTSTRAP", "kafka.bootstrap"),
      Map.entry("CHAT_CASSANDRA_CONTACT_POINTS", "cassandra.contactPoints"),
      Map.entry("CHAT_CASSANDRA_DC", "cassandra.localDc"),
      Map.entry("CHAT_CASSANDRA_KEYSPACE", "cassandra.keyspace"),
      Map.entry("CHAT_GROUP_MAX_MEMBERS", "groups.maxMembers"),
      Map.entry("CHAT_HEARTBEAT_TIMEOUT_MS", "http.heartbeatTimeoutMs"),
      Map.entry("CHAT_NOTIFY_WINDOW_MS", "notify.windowMs"),
      Map.entry("CHAT_NOTIFY_WEBHOOK_URL", "notify.webhook.url"),
      Map.entry("CHAT_NOTIFY_WEBHOOK_SECRET", "notify.webhook.secret"),
      Map.entry("CHAT_VAPID_PRIVATE_KEY", "notify.webPush.vapidPrivateKey"),
      Map.entry("CHAT_VAPID_SUBJECT", "notify.webPush.subject"),
      Map.entry("CHAT_MEDIA_MAX_BYTES", "media.maxBytes"),
      Map.entry("CHAT_MEDIA_DIR", "media.dir"));

  private ChatConfig() {
  }

  public static JsonObject load(Path confFile, Map<String, String> env) throws IOException {
    JsonObject config = defaults();
    if (confFile != null) {
      config.mergeIn(new JsonObject(Files.readString(confFile, StandardCharsets.UTF_8)), true);
    }
    applyEnv(config, env);
    return config;
  }

  public static JsonObject defaults() throws IOException {
    try (InputStream in = ChatConfig.class.getResourceAsStream("/conf/chat.json")) {
      if (in == null) {
        throw new IOException("conf/chat.json is missing from the classpath");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  static void applyEnv(JsonObject config, Map<String, String> env) {
    ENV_OVERRIDES.forEach((variable, path) -> {
      String value = env.get(variable);
      if (value != null && !value.isBlank()) {
        set(config, path, parseScalar(value));
      }
    });
  }

  private static Object parseScalar(String value) {
    if (value.matches("-?\\d{1,18}")) {
      return Long.parseLong(value);
    }
    if (value.equals("true") || value.equals("false")) {
      return Boolean.parseBoolean(value);
    }
    return value;
  }

  private static void set(JsonObject config, String path, Object value) {
    String[] keys = path.split("\\.");
    JsonObject node = config;
    for (int i = 0; i < keys.length - 1; i++) {
      JsonObject child = node.getJsonObject(keys[i]);
      if (child == null) {
        child = new JsonObject();
        node.put(keys[i], child);
      }
      node = child;
    }
    node.put(keys[keys.length - 1], value);
  }
}
