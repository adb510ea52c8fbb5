package chat.store.sqlite;

import chat.store.Receipt;
import chat.store.ReceiptStore;
import io.vertx.core.Future;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Receipt watermarks in SQLite.
 *
 * <p>Table {@code receipts}: key ({@code conversation_id}, {@code user_id}); columns delivered,
 * read_up_to (msgIds, null when none). An advance is one upsert taking the max of old and new, so
 * a watermark never moves back.
 */
final class SqliteReceiptStore implements ReceiptStore {
  static final List<String> SCHEMA = List.of("""
      CREATE TABLE IF NOT EXISTS receipts (
        conversation_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        delivered INTEGER,
        read_up_to INTEGER,
        PRIMARY KEY (conversation_id, user_id)
      ) WITHOUT ROWID""");

  private final SqliteEngine engine;

  SqliteReceiptStore(SqliteEngine engine) {
    this.engine = engine;
  }

  @Override
  public Future<Void> advance(Receipt receipt) {
    boolean read = receipt.status() == Receipt.Status.READ;
    return engine.write(db -> {
      PreparedStatement ps = db.prepare("INSERT INTO receipts (conversation_id, user_id, delivered, read_up_to) "
          + "VALUES (?, ?, ?, ?) ON CONFLICT (conversation_id, user_id) DO UPDATE SET "
          + "delivered = max(coalesce(delivered, 0), excluded.delivered), "
          + "read_up_to = CASE WHEN excluded.read_up_to IS NULL THEN read_up_to "
          + "ELSE max(coalesce(read_up_to, 0), excluded.read_up_to) END");
      ps.setString(1, receipt.conversationId());
      ps.setString(2, receipt.userId());
      ps.setLong(3, receipt.upTo());
      if (read) {
        ps.setLong(4, receipt.upTo());
      } else {
        ps.setNull(4, java.sql.Types.INTEGER);
      }
      ps.executeUpdate();
      return null;
    });
  }

  @Override
  public Future<Watermarks> of(String conversationId, String userId) {
    return engine.read(db -> {
      PreparedStatement ps = db.prepare(
          "SELECT user_id, delivered, read_up_to FROM receipts WHERE conversation_id = ? AND user_id = ?");
      ps.setString(1, conversationId);
      ps.setString(2, userId);
      List<Watermarks> found = rows(ps);
      return found.isEmpty() ? new Watermarks(userId, null, null) : found.get(0);
    });
  }

  @Override
  public Future<List<Watermarks>> all(String conversationId) {
    return engine.read(db -> {
      PreparedStatement ps = db.prepare("SELECT user_id, delivered, read_up_to FROM receipts WHERE conversation_id = ?");
      ps.setString(1, conversationId);
      return rows(ps);
    });
  }

  private static List<Watermarks> rows(PreparedStatement ps) throws SQLException {
    List<Watermarks> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(new Watermarks(rs.getString(1), nullable(rs, 2), nullable(rs, 3)));
      }
    }
    return out;
  }

  private static Long nullable(ResultSet rs, int column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? null : value;
  }
}
