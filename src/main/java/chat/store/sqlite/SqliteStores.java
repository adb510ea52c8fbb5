package chat.store.sqlite;

import chat.store.AccountStore;
import chat.store.ClaimedAppendStore;
import chat.store.EmbeddedStores;
import chat.store.GroupStore;
import chat.store.PresenceStore;
import chat.store.ReceiptStore;
import chat.store.IdempotencyStore;
import chat.store.InboxStore;
import chat.store.MediaStore;
import chat.store.MessageStore;
import chat.store.PushSubscriptionStore;
import chat.store.RefreshTokenStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The embedded engine: every port on one SQLite database file ({@code chat.db} in the data dir),
 * in WAL mode with group commit. See each adapter for its tables and keys.
 */
public final class SqliteStores implements EmbeddedStores {
  private final Vertx vertx;
  private final SqliteEngine engine;
  private final SqliteAccountStore accounts;
  private final SqliteRefreshTokenStore refreshTokens;
  private final SqliteIdempotencyStore idempotency;
  private final SqliteMessageStore messages;
  private final SqliteInboxStore inbox;
  private final SqliteGroupStore groups;
  private final SqliteReceiptStore receipts;
  private final SqlitePresenceStore presence;
  private final SqlitePushSubscriptionStore pushSubscriptions;
  private final SqliteMediaStore media;
  private final SqliteClaimedAppendStore claimedAppends;

  public SqliteStores(Vertx vertx, Path dataDir, int readerThreads, int batchMax, int walCheckpointPages) {
    this.vertx = vertx;
    this.engine = new SqliteEngine(dataDir.resolve("chat.db"), readerThreads, batchMax, walCheckpointPages);
    this.accounts = new SqliteAccountStore(engine);
    this.refreshTokens = new SqliteRefreshTokenStore(engine);
    this.idempotency = new SqliteIdempotencyStore(engine);
    this.messages = new SqliteMessageStore(engine);
    this.inbox = new SqliteInboxStore(engine);
    this.groups = new SqliteGroupStore(engine);
    this.receipts = new SqliteReceiptStore(engine);
    this.presence = new SqlitePresenceStore(engine);
    this.pushSubscriptions = new SqlitePushSubscriptionStore(engine);
    this.media = new SqliteMediaStore(engine);
    this.claimedAppends = new SqliteClaimedAppendStore(engine, inbox);
  }

  @Override
  public Future<Void> open() {
    List<String> schema = new ArrayList<>();
    schema.addAll(SqliteAccountStore.SCHEMA);
    schema.addAll(SqliteRefreshTokenStore.SCHEMA);
    schema.addAll(SqliteIdempotencyStore.SCHEMA);
    schema.addAll(SqliteMessageStore.SCHEMA);
    schema.addAll(SqliteInboxStore.SCHEMA);
    schema.addAll(SqliteGroupStore.SCHEMA);
    schema.addAll(SqliteReceiptStore.SCHEMA);
    schema.addAll(SqlitePresenceStore.SCHEMA);
    schema.addAll(SqlitePushSubscriptionStore.SCHEMA);
    schema.addAll(SqliteMediaStore.SCHEMA);
    return vertx.<Void>executeBlocking(() -> {
      engine.open(schema);
      return null;
    }).compose(v -> inbox.migrate());
  }

  @Override
  public Future<Void> close() {
    return vertx.executeBlocking(() -> {
      engine.close();
      return null;
    });
  }

  @Override
  public Future<Void> ping() {
    return engine.read(db -> {
      db.prepare("SELECT 1").executeQuery().close();
      return null;
    });
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

  /** Runs {@code work} on a reader connection: for a one-time import of these tables into another engine. */
  public <T> Future<T> read(SqliteEngine.Work<T> work) {
    return engine.read(work);
  }

  @Override
  public ClaimedAppendStore claimedAppends() {
    return claimedAppends;
  }
}
