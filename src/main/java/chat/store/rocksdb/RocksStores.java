package chat.store.rocksdb;

import chat.store.AccountStore;
import chat.store.ClaimedAppendStore;
import chat.store.EmbeddedStores;
import chat.store.GroupStore;
import chat.store.IdempotencyStore;
import chat.store.InboxStore;
import chat.store.MediaStore;
import chat.store.MessageStore;
import chat.store.PresenceStore;
import chat.store.PushSubscriptionStore;
import chat.store.ReceiptStore;
import chat.store.RefreshTokenStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import chat.store.sqlite.SqliteStores;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded engine with its hot tables on RocksDB: history, conversation lists, inboxes and
 * idempotency keys (what every message writes) in {@code chat.rocksdb/} in the data dir, the rest
 * (accounts, tokens, groups, receipts, presence, push subscriptions, media) on the SQLite stores
 * they are given. On its first start on a data dir the SQLite engine wrote, the hot tables move
 * over ({@link SqliteImport}). See each adapter for its tables and keys.
 */
public final class RocksStores implements EmbeddedStores {
  private static final Logger LOG = LoggerFactory.getLogger(RocksStores.class);
  private final Vertx vertx;
  private final SqliteStores rest;
  private final RocksEngine engine;
  private final RocksIdempotencyStore idempotency;
  private final RocksMessageStore messages;
  private final RocksInboxStore inbox;
  private final RocksClaimedAppendStore claimedAppends;

  public RocksStores(Vertx vertx, SqliteStores rest, Path dataDir, RocksEngine.Settings settings) {
    this.vertx = vertx;
    this.rest = rest;
    this.engine = new RocksEngine(dataDir.resolve("chat.rocksdb"), settings);
    this.idempotency = new RocksIdempotencyStore(engine);
    this.messages = new RocksMessageStore(engine);
    this.inbox = new RocksInboxStore(engine);
    this.claimedAppends = new RocksClaimedAppendStore(engine, messages, inbox);
  }

  @Override
  public Future<Void> open() {
    return rest.open()
        .compose(v -> vertx.executeBlocking(() -> {
          engine.open();
          return null;
        }))
        .compose(v -> engine.read(reader -> reader.get(SqliteImport.DONE) != null))
        .compose(imported -> imported ? Future.succeededFuture() : importFromSqlite());
  }

  /** The first start on a data dir the SQLite engine wrote (or a new one): its hot tables move over. */
  private Future<Void> importFromSqlite() {
    return rest.read(db -> SqliteImport.run(db, engine))
        .onSuccess(rows -> {
          if (rows > 0) {
            LOG.info("moved {} rows of history, conversation lists, inboxes and idempotency keys from chat.db "
                + "into chat.rocksdb", rows);
          }
        })
        .mapEmpty();
  }

  @Override
  public Future<Void> close() {
    return vertx.<Void>executeBlocking(() -> {
      engine.close();
      return null;
    }).eventually(() -> rest.close());
  }

  @Override
  public Future<Void> ping() {
    return rest.ping().compose(v -> engine.read(reader -> {
      reader.get(SqliteImport.DONE);
      return null;
    }));
  }

  @Override
  public AccountStore accounts() {
    return rest.accounts();
  }

  @Override
  public RefreshTokenStore refreshTokens() {
    return rest.refreshTokens();
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
    return rest.groups();
  }

  @Override
  public ReceiptStore receipts() {
    return rest.receipts();
  }

  @Override
  public PresenceStore presence() {
    return rest.presence();
  }

  @Override
  public PushSubscriptionStore pushSubscriptions() {
    return rest.pushSubscriptions();
  }

  @Override
  public MediaStore media() {
    return rest.media();
  }

  @Override
  public ClaimedAppendStore claimedAppends() {
    return claimedAppends;
  }
}
