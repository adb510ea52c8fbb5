package chat.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MultiMapConfig;
import chat.Addresses;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import java.util.Arrays;
import java.util.List;

/** The {@code cluster} config section, parsed once, and the Hazelcast config built from it. */
public record ClusterSettings(String host, int port, List<String> members, String name, int maxNoHeartbeatSeconds) {

  public static ClusterSettings from(JsonObject cluster) {
    List<String> members = Arrays.stream(cluster.getString("members", "").split(","))
        .map(String::trim).filter(m -> !m.isEmpty()).toList();
    return new ClusterSettings(cluster.getString("host", "127.0.0.1"), cluster.getInteger("port", 5701), members,
        cluster.getString("name", "chat"), cluster.getInteger("maxNoHeartbeatSeconds", 10));
  }

  /** Vert.x's default Hazelcast config with TCP-IP join on the listed members, multicast off. */
  public Config hazelcast() {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(name);
    config.getNetworkConfig().setPort(port).setPortAutoIncrement(false).setPublicAddress(host + ":" + port);
    if (host.matches("[0-9.]+")) { // Hazelcast's interface filter takes IP patterns, not host names
      config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface(host);
    }
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(members.isEmpty() ? List.of(host + ":" + port) : members);
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(maxNoHeartbeatSeconds));
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.shutdownhook.enabled", "false"); // Vert.x closes Hazelcast itself
    for (String map : List.of(Addresses.SESSIONS_BY_USER, Addresses.SESSIONS_BY_NODE)) {
      config.addMultiMapConfig(new MultiMapConfig(map).setValueCollectionType(MultiMapConfig.ValueCollectionType.SET)
          .setBackupCount(1));
    }
    return config;
  }
}
