package chat.store.cassandra;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where the Cassandra stores live: {@code contactPoints} as {@code host:port} ({@code [v6]:port} for
 * IPv6), the driver's local datacenter, the keyspace, and the replication factor used when open()
 * creates the keyspace (SimpleStrategy). Parsed from the {@code cassandra} config section:
 *
 * <pre>{"contactPoints": ["10.0.0.1:9042"], "localDc": "datacenter1", "keyspace": "chat", "replicationFactor": 3}</pre>
 *
 * <p>The default replication factor is 1 so a single development node works; a cluster sets 3
 * (every read and write is LOCAL_QUORUM, which with RF=3 survives one replica down).
 */
public record CassandraSettings(List<String> contactPoints, String localDc, String keyspace, int replicationFactor) {
  private static final Pattern KEYSPACE = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,47}");

  public CassandraSettings {
    contactPoints = List.copyOf(contactPoints);
    if (contactPoints.isEmpty()) {
      throw new IllegalArgumentException("cassandra.contactPoints is empty");
    }
    contactPoints.forEach(CassandraSettings::address);
    if (localDc == null || localDc.isBlank()) {
      throw new IllegalArgumentException("cassandra.localDc is missing");
    }
    if (keyspace == null || !KEYSPACE.matcher(keyspace).matches()) {
      throw new IllegalArgumentException("cassandra.keyspace must match " + KEYSPACE + ", got " + keyspace);
    }
    if (replicationFactor < 1) {
      throw new IllegalArgumentException("cassandra.replicationFactor must be at least 1, got " + replicationFactor);
    }
  }

  public static CassandraSettings from(JsonObject section) {
    JsonObject cassandra = section == null ? new JsonObject() : section;
    // A comma-separated string (as CHAT_CASSANDRA_CONTACT_POINTS gives it) or a JSON array.
    Object raw = cassandra.getValue("contactPoints", "127.0.0.1:9042");
    List<String> contactPoints = new ArrayList<>();
    if (raw instanceof JsonArray points) {
      points.forEach(point -> contactPoints.add(String.valueOf(point)));
    } else {
      for (String point : String.valueOf(raw).split(",")) {
        if (!point.isBlank()) {
          contactPoints.add(point.trim());
        }
      }
    }
    return new CassandraSettings(contactPoints, cassandra.getString("localDc", "datacenter1"),
        cassandra.getString("keyspace", "chat"), cassandra.getInteger("replicationFactor", 1));
  }

  /** The contact points as unresolved socket addresses (the driver resolves them). */
  public List<InetSocketAddress> addresses() {
    return contactPoints.stream().map(CassandraSettings::address).toList();
  }

  static InetSocketAddress address(String hostPort) {
    int colon = hostPort == null ? -1 : hostPort.lastIndexOf(':');
    if (colon <= 0 || colon == hostPort.length() - 1) {
      throw new IllegalArgumentException("contact point must be host:port, got " + hostPort);
    }
    String host = hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("contact point must be host:port, got " + hostPort);
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("contact point port out of range: " + hostPort);
    }
    return InetSocketAddress.createUnresolved(host, port);
  }
}
