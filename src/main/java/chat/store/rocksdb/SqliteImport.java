package chat.store.rocksdb;

import chat.store.Message;
import chat.store.sqlite.SqliteEngine;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * Moves the hot tables of a database the SQLite engine wrote (history, conversation lists, inboxes,
 * idempotency keys) into RocksDB, once: when a node first opens its data dir with
 * {@code store.engine=rocksdb}. Rows are written as the RocksDB adapters write them, in batches of
 * {@value #BATCH_ROWS}, unsynced, and then a marker with one synced write, so a node killed halfway
 * imports again from the start at its next start (every put is an overwrite of the same value).
 * The SQLite tables are left as they were (see docs/operations.md: the switch is one-way).
 */
final class SqliteImport {
  private static final int BATCH_ROWS = 10_000;
  /** Present once the import has run (or there was nothing to import). */
  static final byte[] DONE = Bytes.key('v').id("imported-from-sqlite").bytes();

  private final RocksEngine engine;
  private WriteBatch batch = new WriteBatch();
  private long rows;

  private SqliteImport(RocksEngine engine) {
    this.engine = engine;
  }

  /** Blocking, on a SQLite reader thread, before the RocksDB writer takes any write: the rows imported. */
  static long run(SqliteEngine.Db sqlite, RocksEngine engine) throws SQLException, RocksDBException {
    SqliteImport run = new SqliteImport(engine);
    try {
      run.copy(sqlite);
      run.flush();
      engine.putSynced(DONE, new byte[0]);
      return run.rows;
    } finally {
      run.batch.close();
    }
  }

  private void copy(SqliteEngine.Db sqlite) throws SQLException, RocksDBException {
    try (ResultSet rs = sqlite.prepare("SELECT conversation_id, msg_id, sender_id, sender_device_id, client_id, kind, "
        + "body, ts FROM messages").executeQuery()) {
      while (rs.next()) {
        Message message = new Message(rs.getLong(2), rs.getString(1), rs.getString(3), rs.getString(4),
            rs.getString(5), rs.getString(6), rs.getString(7), rs.getLong(8));
        put(RocksMessageStore.messageKey(message.conversationId(), message.msgId()),
            RocksMessageStore.messageValue(message));
      }
    }
    try (ResultSet rs = sqlite.prepare("SELECT user_id, conversation_id, last_msg_id, unread FROM user_conversations")
        .executeQuery()) {
      while (rs.next()) {
        put(RocksMessageStore.stateKey(rs.getString(1), rs.getString(2)),
            RocksMessageStore.stateValue(rs.getLong(3), rs.getLong(4)));
      }
    }
    try (ResultSet rs = sqlite.prepare("SELECT sender_id, client_id, msg_id FROM idempotency_keys").executeQuery()) {
      while (rs.next()) {
        put(RocksIdempotencyStore.key(rs.getString(1), rs.getString(2)), RocksIdempotencyStore.value(rs.getLong(3)));
      }
    }
    try (ResultSet rs = sqlite.prepare("SELECT event_id, payload FROM inbox_fanout").executeQuery()) {
      while (rs.next()) {
        put(RocksInboxStore.sharedKey(rs.getLong(1)), RocksInboxStore.sharedValue(rs.getString(2)));
      }
    }
    try (ResultSet rs = sqlite.prepare("SELECT user_id, seq, event_id, payload, own_members FROM inbox").executeQuery()) {
      while (rs.next()) {
        String user = rs.getString(1);
        long seq = rs.getLong(2);
        long eventId = rs.getLong(3);
        String own = rs.getString(4);
        String ownMembers = rs.getString(5);
        byte[] row = own != null ? RocksInboxStore.rowValue(eventId, RocksInboxStore.OWN, own)
            : ownMembers != null ? RocksInboxStore.rowValue(eventId, RocksInboxStore.OWN_MEMBERS, ownMembers)
            : RocksInboxStore.rowValue(eventId, RocksInboxStore.SHARED, null);
        put(RocksInboxStore.rowKey(user, seq), row);
        put(RocksInboxStore.copyKey(eventId, user), RocksInboxStore.copyValue(seq));
      }
    }
  }

  private void put(byte[] key, byte[] value) throws RocksDBException {
    batch.put(engine.familyOf(key), key, value);
    rows++;
    if (batch.count() >= BATCH_ROWS) {
      flush();
    }
  }

  private void flush() throws RocksDBException {
    if (batch.count() > 0) {
      engine.putUnsynced(batch);
      batch.clear();
    }
  }
}
