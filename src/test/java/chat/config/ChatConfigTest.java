package chat.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatConfigTest {
  @Test
  @DisplayName("Defaults come from conf/chat.json: port 8080, data dir ./data, embedded profile")
  void defaults() throws Exception {
    JsonObject config = ChatConfig.load(null, Map.of());
    assertThat(config.getJsonObject("http").getInteger("port")).isEqualTo(8080);
    assertThat(config.getString("dataDir")).isEqualTo("./data");
    assertThat(config.getString("profile")).isEqualTo("embedded");
  }

  @Test
  @DisplayName("A -conf file overrides the defaults and the environment overrides both")
  void layering(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("node.json");
    Files.writeString(conf, "{\"http\":{\"port\":9000},\"dataDir\":\"/from/file\",\"nodeId\":3}");
    JsonObject config = ChatConfig.load(conf, Map.of("CHAT_HTTP_PORT", "9100", "CHAT_NODE_ID", "12"));
    assertThat(config.getJsonObject("http").getInteger("port")).isEqualTo(9100);
    assertThat(config.getJsonObject("http").getInteger("authTimeoutMs")).isEqualTo(10_000); // untouched default
    assertThat(config.getString("dataDir")).isEqualTo("/from/file");
    assertThat(config.getInteger("nodeId")).isEqualTo(12);
  }

  @Test
  @DisplayName("Every documented environment variable maps onto a key that exists in the defaults")
  void envKeysExist() throws Exception {
    JsonObject defaults = ChatConfig.defaults();
    ChatConfig.ENV_OVERRIDES.values().forEach(path -> {
      JsonObject node = defaults;
      String[] keys = path.split("\\.");
      for (int i = 0; i < keys.length - 1; i++) {
        node = node.getJsonObject(keys[i]);
      }
      assertThat(node.containsKey(keys[keys.length - 1])).as(path).isTrue();
    });
  }
}
