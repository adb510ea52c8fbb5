package chat.store.sqlite;

import chat.store.IdempotencyStore;
import io.vertx.core.Future;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Idempotency keys in SQLite.
 *
 * <p>Table {@code idempotency_keys}: key ({@code sender_id}, {@code client_id}); column msg_id.
 */
final class SqliteIdempotencyStore implements IdempotencyStore {
  static final List<String> SCHEMA = List.of("""
      CREATE TABLE IF NOT EXISTS idempotency_keys (
        sender_id TEXT NOT NULL,
        client_id TEXT NOT NULL,
        msg_id INTEGER NOT NULL,
        PRIMARY KEY (sender_id, client_id)
      ) WITHOUT ROWID""");

  private final SqliteEngine engine;

  SqliteIdempotencyStore(SqliteEngine engine) {
    this.engine = engine;
  }

  @Override
  public Future<Long> claim(String senderId, String clientId, long candidateMsgId) {
    return engine.write(db -> claim(db, senderId, clientId, candidateMsgId));
  }

  /** The claim as part of a larger write, on the writer thread. */
  static long claim(SqliteEngine.Db db, String senderId, String clientId, long candidateMsgId) throws SQLException {
    PreparedStatement insert = db.prepare(
        "INSERT INTO idempotency_keys (sender_id, client_id, msg_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
    insert.setString(1, senderId);
    insert.setString(2, clientId);
    insert.setLong(3, candidateMsgId);
    if (insert.executeUpdate() == 1) {
      return candidateMsgId;
    }
    PreparedStatement find = db.prepare("SELECT msg_id FROM idempotency_keys WHERE sender_id = ? AND client_id = ?");
    find.setString(1, senderId);
    find.setString(2, clientId);
    try (ResultSet rs = find.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
