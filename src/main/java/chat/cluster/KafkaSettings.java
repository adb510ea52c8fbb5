package chat.cluster;

import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code kafka} config section, parsed once, and the client configs derived from it.
 * {@code namespace} prefixes every topic and group name, so several chat clusters (or test runs)
 * can share one Kafka without reading each other's records.
 */
public record KafkaSettings(String bootstrap, String namespace, int messagesPartitions, int inboxPartitions,
                            short replicationFactor, int sessionTimeoutMs) {

  public static KafkaSettings from(JsonObject kafka) {
    return new KafkaSettings(kafka.getString("bootstrap"), kafka.getString("namespace", ""),
        kafka.getInteger("messagesPartitions", 12), kafka.getInteger("inboxPartitions", 24),
        kafka.getInteger("replicationFactor", 1).shortValue(), kafka.getInteger("sessionTimeoutMs", 6000));
  }

  /** A topic or consumer group name from {@code chat.Addresses}, in this cluster's namespace. */
  public String named(String name) {
    return namespace.isEmpty() ? name : namespace + "." + name;
  }

  /** Idempotent producer, acks from every in-sync replica: an acked record survives a broker crash. */
  public Map<String, String> producer(String clientId) {
    Map<String, String> config = new HashMap<>();
    config.put("bootstrap.servers", bootstrap);
    config.put("client.id", clientId);
    config.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    config.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    config.put("acks", "all");
    config.put("enable.idempotence", "true");
    config.put("max.in.flight.requests.per.connection", "5"); // order is kept with idempotence on
    config.put("linger.ms", "1");
    config.put("delivery.timeout.ms", "20000");
    config.put("request.timeout.ms", "5000");
    config.put("reconnect.backoff.max.ms", "1000");
    return config;
  }

  /** Manual commits only: offsets move after the work for the records is durable. */
  public Map<String, String> consumer(String group, String clientId) {
    Map<String, String> config = new HashMap<>();
    config.put("bootstrap.servers", bootstrap);
    config.put("group.id", named(group));
    config.put("client.id", clientId);
    config.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    config.put("value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    config.put("enable.auto.commit", "false");
    config.put("auto.offset.reset", "earliest");
    config.put("max.poll.records", "500");
    config.put("session.timeout.ms", Integer.toString(sessionTimeoutMs));
    config.put("heartbeat.interval.ms", Integer.toString(Math.max(1000, sessionTimeoutMs / 3)));
    config.put("reconnect.backoff.max.ms", "1000");
    return config;
  }

  public Map<String, String> admin() {
    Map<String, String> config = new HashMap<>();
    config.put("bootstrap.servers", bootstrap);
    config.put("request.timeout.ms", "10000");
    return config;
  }
}
