package chat;

import chat.cluster.HazelcastSessionDirectory;
import chat.cluster.KafkaMessageLog;
import chat.cluster.KafkaSettings;
import chat.cluster.NodeIdClaim;
import chat.delivery.LiveDelivery;
import chat.delivery.LocalSessionDirectory;
import chat.delivery.SessionDirectory;
import chat.groups.GroupService;
import chat.groups.MembershipCache;
import chat.groups.Recipients;
import chat.pipeline.DirectPipeline;
import chat.pipeline.MessagePipeline;
import chat.pipeline.ReceiptFanout;
import chat.store.EmbeddedStores;
import chat.store.Stores;
import chat.store.cassandra.CassandraSettings;
import chat.store.cassandra.CassandraStores;
import chat.store.rocksdb.RocksEngine;
import chat.store.rocksdb.RocksStores;
import chat.store.sqlite.SqliteStores;
import chat.verticles.FanoutVerticle;
import chat.verticles.InboxVerticle;
import io.vertx.core.Deployable;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * What a profile plugs in behind the ports: the stores, the message pipeline, the session
 * directory, the resources to open first, and the stages it adds between persistence and routing.
 */
record Engine(Stores stores, MembershipCache groups, MessagePipeline pipeline, SessionDirectory directory,
              List<Resource> resources, List<Supplier<Deployable>> stages) {

  /**
   * One node, nothing else: embedded stores ({@code store.engine}: {@code rocksdb} puts the hot tables
   * on RocksDB, {@code sqlite} keeps every table in SQLite), a direct pipeline, an in-memory directory.
   */
  static Engine embedded(Vertx vertx, JsonObject config) {
    EmbeddedStores stores = embeddedStores(vertx, config);
    MembershipCache groups = membershipCache(vertx, config, stores);
    SessionDirectory directory = new LocalSessionDirectory();
    MessagePipeline pipeline = new DirectPipeline(stores, stores.claimedAppends(), new Recipients(groups),
        new LiveDelivery(vertx.eventBus(), directory));
    return new Engine(stores, groups, pipeline, directory, List.of(stores, groups), List.of());
  }

  private static EmbeddedStores embeddedStores(Vertx vertx, JsonObject config) {
    JsonObject store = config.getJsonObject("store", new JsonObject());
    Path dataDir = Path.of(config.getString("dataDir", "./data"));
    int readerThreads = store.getInteger("readerThreads", 4);
    int batchMax = store.getInteger("batchMax", 512);
    SqliteStores sqlite = new SqliteStores(vertx, dataDir, readerThreads, batchMax,
        store.getInteger("walCheckpointPages", 16000));
    String engine = store.getString("engine", "sqlite");
    return switch (engine) {
      case "sqlite" -> sqlite;
      case "rocksdb" -> new RocksStores(vertx, sqlite, dataDir, new RocksEngine.Settings(readerThreads, batchMax,
          store.getLong("writeBufferMiB", 64L) << 20, store.getLong("blockCacheMiB", 64L) << 20));
      default -> throw new IllegalArgumentException("store.engine must be rocksdb or sqlite, not " + engine);
    };
  }

  /** A node of a cluster: Cassandra stores, the Kafka log with its fan-out and inbox stages, Hazelcast directory. */
  static Engine cluster(Vertx vertx, JsonObject config, HazelcastClusterManager clusterManager) {
    Stores stores = new CassandraStores(vertx, CassandraSettings.from(config.getJsonObject("cassandra")));
    MembershipCache groups = membershipCache(vertx, config, stores);
    Recipients recipients = new Recipients(groups);
    KafkaSettings kafka = KafkaSettings.from(config.getJsonObject("kafka"));
    String nodeId = clusterManager.getNodeId();
    HazelcastSessionDirectory directory = new HazelcastSessionDirectory(vertx, clusterManager.getHazelcastInstance(),
        nodeId);
    KafkaMessageLog log = new KafkaMessageLog(vertx, kafka, "node-" + config.getInteger("nodeId") + "-" + nodeId);
    LiveDelivery live = new LiveDelivery(vertx.eventBus(), directory);
    List<Supplier<Deployable>> stages = List.of(
        () -> new InboxVerticle(stores.inbox(), live, kafka, nodeId),
        () -> new FanoutVerticle(stores.messages(), recipients, new ReceiptFanout(stores, recipients), kafka, nodeId));
    NodeIdClaim nodeIdClaim = new NodeIdClaim(vertx, clusterManager.getHazelcastInstance(), config.getInteger("nodeId"));
    return new Engine(stores, groups, log, directory, List.of(nodeIdClaim, stores, groups, log, directory), stages);
  }

  private static MembershipCache membershipCache(Vertx vertx, JsonObject config, Stores stores) {
    return new MembershipCache(vertx, stores.groups(),
        GroupService.Settings.from(config.getJsonObject("groups", new JsonObject())).cacheSize());
  }
}
