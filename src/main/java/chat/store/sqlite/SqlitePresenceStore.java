package chat.store.sqlite;

import chat.store.PresenceStore;
import io.vertx.core.Future;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;

/**
 * Presence facts in SQLite.
 *
 * <p>Table {@code presence}: key {@code user_id}; columns last_seen (ms, null when never recorded),
 * show_last_seen (1 or 0).
 */
final class SqlitePresenceStore implements PresenceStore {
  static final List<String> SCHEMA = List.of("""
      CREATE TABLE IF NOT EXISTS presence (
        user_id TEXT PRIMARY KEY,
        last_seen INTEGER,
        show_last_seen INTEGER NOT NULL DEFAULT 1
      ) WITHOUT ROWID""");

  private final SqliteEngine engine;

  SqlitePresenceStore(SqliteEngine engine) {
    this.engine = engine;
  }

  @Override
  public Future<Void> recordLastSeen(String userId, long at) {
    return engine.write(db -> {
      PreparedStatement ps = db.prepare("INSERT INTO presence (user_id, last_seen) VALUES (?, ?) ON CONFLICT (user_id) "
          + "DO UPDATE SET last_seen = max(coalesce(last_seen, 0), excluded.last_seen)");
      ps.setString(1, userId);
      ps.setLong(2, at);
      ps.executeUpdate();
      return null;
    });
  }

  @Override
  public Future<Void> setShowLastSeen(String userId, boolean show) {
    return engine.write(db -> {
      PreparedStatement ps = db.prepare("INSERT INTO presence (user_id, show_last_seen) VALUES (?, ?) "
          + "ON CONFLICT (user_id) DO UPDATE SET show_last_seen = excluded.show_last_seen");
      ps.setString(1, userId);
      ps.setInt(2, show ? 1 : 0);
      ps.executeUpdate();
      return null;
    });
  }

  @Override
  public Future<Seen> of(String userId) {
    return engine.read(db -> {
      PreparedStatement ps = db.prepare("SELECT last_seen, show_last_seen FROM presence WHERE user_id = ?");
      ps.setString(1, userId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return new Seen(userId, null, true);
        }
        long lastSeen = rs.getLong(1);
        return new Seen(userId, rs.wasNull() ? null : lastSeen, rs.getInt(2) == 1);
      }
    });
  }
}
