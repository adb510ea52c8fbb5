package chat.store.sqlite;

import chat.store.InboxEvent;
import chat.store.InboxStore;
import io.vertx.core.Future;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-user inboxes in SQLite.
 *
 * <p>Table {@code inbox}: key ({@code user_id}, {@code seq}), so sync is one range scan; unique
 * index {@code inbox_event} on ({@code user_id}, {@code event_id}) makes appends idempotent;
 * column payload (the client frame as JSON, without seq).
 *
 * <p>Seq assignment happens on the engine's single writer thread, which keeps the newest seq of
 * recently active users in a bounded cache, so an append costs no read in the common case.
 */
final class SqliteInboxStore implements InboxStore {
  static final List<String> SCHEMA = List.of("""
      CREATE TABLE IF NOT EXISTS inbox (
        user_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        event_id INTEGER NOT NULL,
        payload TEXT NOT NULL,
        PRIMARY KEY (user_id, seq)
      ) WITHOUT ROWID""",
      "CREATE UNIQUE INDEX IF NOT EXISTS inbox_event ON inbox (user_id, event_id)");

  private static final int SEQ_CACHE_USERS = 100_000;
  private final SqliteEngine engine;
  /** user → newest committed-or-pending seq; touched only on the writer thread. */
  private final Map<String, Long> lastSeq = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
      return size() > SEQ_CACHE_USERS;
    }
  };

  SqliteInboxStore(SqliteEngine engine) {
    this.engine = engine;
    engine.onRollback(lastSeq::clear);
  }

  @Override
  public Future<List<InboxEvent>> append(List<InboxEvent> events) {
    return engine.write(db -> {
      PreparedStatement insert = db.prepare(
          "INSERT INTO inbox (user_id, seq, event_id, payload) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING");
      Map<String, Long> assigned = new HashMap<>();
      List<InboxEvent> stored = new ArrayList<>(events.size());
      for (InboxEvent event : events) {
        long next = (assigned.containsKey(event.userId()) ? assigned.get(event.userId()) : newestSeq(db, event.userId())) + 1;
        insert.setString(1, event.userId());
        insert.setLong(2, next);
        insert.setLong(3, event.eventId());
        insert.setString(4, event.payload());
        if (insert.executeUpdate() == 1) {
          assigned.put(event.userId(), next);
          stored.add(new InboxEvent(event.userId(), next, event.eventId(), event.payload(), true));
        } else {
          stored.add(existing(db, event.userId(), event.eventId()));
        }
      }
      lastSeq.putAll(assigned); // only once every insert of this write went through
      return stored;
    });
  }

  private long newestSeq(SqliteEngine.Db db, String userId) throws SQLException {
    Long cached = lastSeq.get(userId);
    return cached != null ? cached : maxSeq(db, userId);
  }

  private static long maxSeq(SqliteEngine.Db db, String userId) throws SQLException {
    PreparedStatement ps = db.prepare("SELECT coalesce(max(seq), 0) FROM inbox WHERE user_id = ?");
    ps.setString(1, userId);
    try (ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static InboxEvent existing(SqliteEngine.Db db, String userId, long eventId) throws SQLException {
    PreparedStatement ps = db.prepare("SELECT seq, payload FROM inbox WHERE user_id = ? AND event_id = ?");
    ps.setString(1, userId);
    ps.setLong(2, eventId);
    try (ResultSet rs = ps.executeQuery()) {
      rs.next();
      return new InboxEvent(userId, rs.getLong(1), eventId, rs.getString(2), false);
    }
  }

  @Override
  public Future<List<InboxEvent>> after(String userId, long afterSeq, int limit) {
    return engine.read(db -> {
      PreparedStatement ps = db.prepare(
          "SELECT seq, event_id, payload FROM inbox WHERE user_id = ? AND seq > ? ORDER BY seq LIMIT ?");
      ps.setString(1, userId);
      ps.setLong(2, afterSeq);
      ps.setInt(3, limit);
      List<InboxEvent> events = new ArrayList<>(Math.min(limit, 256));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          events.add(new InboxEvent(userId, rs.getLong(1), rs.getLong(2), rs.getString(3), false));
        }
      }
      return events;
    });
  }

  @Override
  public Future<Long> latestSeq(String userId) {
    return engine.read(db -> maxSeq(db, userId));
  }
}
