package chat.store.cassandra;

import chat.store.AccountStore;
import chat.store.GroupStore;
import chat.store.PresenceStore;
import chat.store.ReceiptStore;
import chat.store.IdempotencyStore;
import chat.store.InboxStore;
import chat.store.MediaStore;
import chat.store.MessageStore;
import chat.store.PushSubscriptionStore;
import chat.store.RefreshTokenStore;
import chat.store.Stores;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import io.vertx.cassandra.CassandraClient;
import io.vertx.cassandra.CassandraClientOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The cluster engine: every port on one Cassandra keyspace, through the Vert.x Cassandra client
 * (DataStax driver 4). See each adapter for its tables and keys:
 * {@link CassandraAccountStore} (accounts_by_username, accounts), {@link CassandraRefreshTokenStore}
 * (refresh_tokens, revoked_families), {@link CassandraIdempotencyStore} (idempotency_keys),
 * {@link CassandraMessageStore} (messages, conversation_buckets, user_conversations),
 * {@link CassandraInboxStore} (inbox, inbox_events), {@link CassandraGroupStore} (groups),
 * {@link CassandraReceiptStore} (receipts), {@link CassandraPresenceStore} (presence),
 * {@link CassandraPushSubscriptionStore} (push_subscriptions, push_subscription_owners) and
 * {@link CassandraMediaStore} (media, media_uploads, media_refs).
 *
 * <p>open() creates the keyspace (SimpleStrategy, the configured replication factor) and the tables
 * if they do not exist, one statement at a time (concurrent schema changes can disagree), then
 * prepares every statement once. Statements name the keyspace, so the session itself has none.
 *
 * <p>Every read and write is LOCAL_QUORUM and lightweight transactions are LOCAL_SERIAL: a completed
 * write is on a quorum of replicas (durable in the sense of the ports) and the next read sees it.
 * Nothing blocks an event loop: the driver is asynchronous and the client builds its session on a
 * worker thread.
 */
public final class CassandraStores implements Stores {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  private final CassandraSettings settings;
  private final CassandraClient client;
  private final Cql cql;
  private final CassandraAccountStore accounts;
  private final CassandraRefreshTokenStore refreshTokens;
  private final CassandraIdempotencyStore idempotency;
  private final CassandraMessageStore messages;
  private final CassandraGroupStore groups;
  private final CassandraReceiptStore receipts;
  private final CassandraPresenceStore presence;
  private final CassandraInboxStore inbox;
  private final CassandraPushSubscriptionStore pushSubscriptions;
  private final CassandraMediaStore media;

  /** Creates the stores; nothing connects before {@link #open}. */
  public CassandraStores(Vertx vertx, CassandraSettings settings) {
    this.settings = settings;
    this.client = CassandraClient.create(vertx, clientOptions(settings));
    this.cql = new Cql(client, settings.keyspace());
    this.accounts = new CassandraAccountStore(cql);
    this.refreshTokens = new CassandraRefreshTokenStore(cql);
    this.idempotency = new CassandraIdempotencyStore(cql);
    this.messages = new CassandraMessageStore(cql);
    this.groups = new CassandraGroupStore(cql);
    this.receipts = new CassandraReceiptStore(cql);
    this.presence = new CassandraPresenceStore(cql);
    this.inbox = new CassandraInboxStore(cql);
    this.pushSubscriptions = new CassandraPushSubscriptionStore(cql);
    this.media = new CassandraMediaStore(cql);
  }

  private static CassandraClientOptions clientOptions(CassandraSettings settings) {
    CassandraClientOptions options = new CassandraClientOptions();
    settings.addresses().forEach(options::addContactPoint);
    CqlSessionBuilder builder = options.dataStaxClusterBuilder();
    builder.withLocalDatacenter(settings.localDc());
    builder.withConfigLoader(DriverConfigLoader.programmaticBuilder()
        .withString(DefaultDriverOption.REQUEST_CONSISTENCY, "LOCAL_QUORUM")
        .withString(DefaultDriverOption.REQUEST_SERIAL_CONSISTENCY, "LOCAL_SERIAL")
        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, REQUEST_TIMEOUT)
        // Schema changes: refresh metadata at once and poll agreement often (a DDL takes ~0.5 s, not ~1.2 s).
        .withDuration(DefaultDriverOption.METADATA_SCHEMA_WINDOW, Duration.ZERO)
        .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_INTERVAL, Duration.ofMillis(20))
        // close() waits for in-flight requests anyway; the driver's 2 s Netty quiet period only delays a restart.
        .withInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD, 0)
        .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, 0)
        .build());
    return options;
  }

  /** Every schema statement, keyspace first, with {@code $ks} for the keyspace. */
  static List<String> schema(int replicationFactor) {
    List<String> schema = new ArrayList<>();
    schema.add("CREATE KEYSPACE IF NOT EXISTS $ks WITH replication = "
        + "{'class': 'SimpleStrategy', 'replication_factor': " + replicationFactor + "}");
    schema.addAll(CassandraAccountStore.SCHEMA);
    schema.addAll(CassandraRefreshTokenStore.SCHEMA);
    schema.addAll(CassandraIdempotencyStore.SCHEMA);
    schema.addAll(CassandraMessageStore.SCHEMA);
    schema.addAll(CassandraInboxStore.SCHEMA);
    schema.addAll(CassandraGroupStore.SCHEMA);
    schema.addAll(CassandraReceiptStore.SCHEMA);
    schema.addAll(CassandraPresenceStore.SCHEMA);
    schema.addAll(CassandraPushSubscriptionStore.SCHEMA);
    schema.addAll(CassandraMediaStore.SCHEMA);
    return schema;
  }

  @Override
  public Future<Void> open() {
    Future<Void> chain = Future.succeededFuture();
    for (String ddl : schema(settings.replicationFactor())) {
      chain = chain.compose(v -> cql.ddl(ddl));
    }
    return chain.compose(v -> Future.all(List.of(accounts.prepare(), refreshTokens.prepare(), idempotency.prepare(),
        messages.prepare(), inbox.prepare(), groups.prepare(), receipts.prepare(),
        presence.prepare(), pushSubscriptions.prepare(), media.prepare()))).mapEmpty();
  }

  @Override
  public Future<Void> close() {
    return client.close();
  }

  @Override
  public Future<Void> ping() {
    return client.execute("SELECT release_version FROM system.local").mapEmpty();
  }

  @Override
  public AccountStore accounts() {
    return accounts;
  }

  @Override
  public RefreshTokenStore refreshTokens() {
    return refreshTokens;
  }

  @Override
  public IdempotencyStore idempotency() {
    return idempotency;
  }

  @Override
  public MessageStore messages() {
    return messages;
  }

  @Override
  public InboxStore inbox() {
    return inbox;
  }

  @Override
  public GroupStore groups() {
    return groups;
  }

  @Override
  public ReceiptStore receipts() {
    return receipts;
  }

  @Override
  public PresenceStore presence() {
    return presence;
  }

  @Override
  public PushSubscriptionStore pushSubscriptions() {
    return pushSubscriptions;
  }

  @Override
  public MediaStore media() {
    return media;
  }
}
