package chat.store.sqlite;

import chat.async.Lru;
import chat.protocol.Frames;
import chat.store.InboxEvent;
import chat.store.InboxPayloads;
import chat.store.InboxStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-user inboxes in SQLite.
 *
 * <p>Table {@code inbox}: key ({@code user_id}, {@code seq}), so sync is one range scan; columns
 * {@code event_id}, {@code payload} (the client frame as JSON, without seq) only when it differs
 * from the event's shared one, and {@code own_members} instead when it differs only by members
 * placed first ({@link Frames#membersBefore}): the sender's copy of a message is stored as its
 * client id, ~30 bytes instead of a ~300-byte frame, so a sender's inbox leaf pages fill and split
 * as slowly as a recipient's (docs/performance.md, change 14).
 *
 * <p>Table {@code inbox_fanout}: key {@code event_id}; columns {@code payload}, the payload most of
 * the event's users get (all but the sender's own copy of a message), and {@code seqs}, a JSON
 * object of user id → seq for every user the event was appended for. A group message to 1,000
 * members is thus one payload and one small row per member, not 1,000 payloads and a second
 * (user, event) index: that index, at a different place for every member, cost as much as the
 * inbox itself (docs/performance.md, group). {@code seqs} makes appends idempotent: a replayed
 * (user, event) keeps the seq it has. It comes after {@code payload}, so reading a payload never
 * reads a large group's {@code seqs}.
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
        payload TEXT,
        own_members TEXT,
        PRIMARY KEY (user_id, seq)
      ) WITHOUT ROWID""", """
      CREATE TABLE IF NOT EXISTS inbox_fanout (
        event_id INTEGER PRIMARY KEY,
        payload TEXT NOT NULL,
        seqs TEXT NOT NULL
      )""");

  /**
   * The first schema (payload on every row, a unique (user, event) index) becomes the current one:
   * rows keep their payloads, and each event gets its {@code seqs} from them.
   */
  private static final List<String> FROM_PER_ROW_PAYLOADS = List.of(
      "ALTER TABLE inbox RENAME TO inbox_per_row_payloads",
      SCHEMA.get(0),
      "INSERT INTO inbox (user_id, seq, event_id, payload) SELECT user_id, seq, event_id, payload "
          + "FROM inbox_per_row_payloads",
      "INSERT INTO inbox_fanout (event_id, payload, seqs) SELECT event_id, min(payload), "
          + "json_group_object(user_id, seq) FROM inbox_per_row_payloads GROUP BY event_id",
      "DROP TABLE inbox_per_row_payloads");

  /** The second schema, which stored the sender's copy of a message as a whole payload, gains the column. */
  private static final List<String> ADD_OWN_MEMBERS = List.of("ALTER TABLE inbox ADD COLUMN own_members TEXT");

  private static final int SEQ_CACHE_USERS = 100_000;
  private final SqliteEngine engine;
  /** user → newest committed-or-pending seq; touched only on the writer thread. */
  private final Lru<String, Long> lastSeq = new Lru<>(SEQ_CACHE_USERS);

  SqliteInboxStore(SqliteEngine engine) {
    this.engine = engine;
    engine.onRollback(lastSeq::clear);
  }

  /** Brings a database written by an earlier schema up to this one; a no-op on a current one. */
  Future<Void> migrate() {
    return engine.write(db -> {
      if (count(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'inbox_event'") > 0) {
        run(db, FROM_PER_ROW_PAYLOADS);
      }
      if (count(db, "SELECT count(*) FROM pragma_table_info('inbox') WHERE name = 'own_members'") == 0) {
        run(db, ADD_OWN_MEMBERS);
      }
      return null;
    });
  }

  private static int count(SqliteEngine.Db db, String query) throws SQLException {
    try (ResultSet rs = db.prepare(query).executeQuery()) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static void run(SqliteEngine.Db db, List<String> steps) throws SQLException {
    try (var st = db.connection.createStatement()) {
      for (String step : steps) {
        st.execute(step);
      }
    }
  }

  /** What is stored of one event id, and what this append adds to it. */
  private static final class StoredEvent {
    final String sharedPayload;
    final JsonObject seqs;
    final boolean isNew;
    boolean changed;

    StoredEvent(String sharedPayload, JsonObject seqs, boolean isNew) {
      this.sharedPayload = sharedPayload;
      this.seqs = seqs;
      this.isNew = isNew;
    }

    /** An event id nothing is stored under yet, with the payload most of its events carry. */
    static StoredEvent unseen(List<InboxEvent> events, long eventId) {
      return new StoredEvent(InboxPayloads.commonest(events, eventId), new JsonObject(), true);
    }
  }

  @Override
  public Future<List<InboxEvent>> append(List<InboxEvent> events) {
    return engine.write(db -> append(db, events));
  }

  /** The append as part of a larger write, on the writer thread. */
  List<InboxEvent> append(SqliteEngine.Db db, List<InboxEvent> events) throws SQLException {
    return append(db, events, lookUp(db, events));
  }

  /**
   * The append of a new message's events within the write that claimed its msgId, their event id
   * (SqliteClaimedAppendStore): nothing can be stored under an id claimed just now, so nothing is
   * looked up. Were an id ever reused, the event's insert would fail and undo the write.
   */
  List<InboxEvent> appendUnseen(SqliteEngine.Db db, List<InboxEvent> events) throws SQLException {
    Map<Long, StoredEvent> byEvent = new HashMap<>();
    for (InboxEvent event : events) {
      byEvent.computeIfAbsent(event.eventId(), eventId -> StoredEvent.unseen(events, eventId));
    }
    return append(db, events, byEvent);
  }

  private List<InboxEvent> append(SqliteEngine.Db db, List<InboxEvent> events, Map<Long, StoredEvent> byEvent)
      throws SQLException {
    PreparedStatement insert = db.prepare(
        "INSERT INTO inbox (user_id, seq, event_id, payload, own_members) VALUES (?, ?, ?, ?, ?)");
    Map<String, Long> assigned = new HashMap<>();
    List<InboxEvent> stored = new ArrayList<>(events.size());
    for (InboxEvent event : events) {
      StoredEvent known = byEvent.get(event.eventId());
      Long oldSeq = known.seqs.getLong(event.userId());
      if (oldSeq != null) {
        stored.add(new InboxEvent(event.userId(), oldSeq, event.eventId(),
            storedPayload(db, event.userId(), oldSeq, known.sharedPayload), false));
        continue;
      }
      long next = (assigned.containsKey(event.userId()) ? assigned.get(event.userId()) : newestSeq(db, event.userId())) + 1;
      insert.setString(1, event.userId());
      insert.setLong(2, next);
      insert.setLong(3, event.eventId());
      String own = event.payload().equals(known.sharedPayload) ? null : event.payload();
      String ownMembers = own == null ? null : Frames.membersBefore(own, known.sharedPayload);
      insert.setString(4, ownMembers == null ? own : null);
      insert.setString(5, ownMembers);
      insert.executeUpdate();
      assigned.put(event.userId(), next);
      known.seqs.put(event.userId(), next);
      known.changed = true;
      stored.add(new InboxEvent(event.userId(), next, event.eventId(), event.payload(), true));
    }
    save(db, byEvent);
    lastSeq.putAll(assigned); // only once every insert of this write went through
    return stored;
  }

  /** Each event id of the append: as stored, or new with the payload most of its events carry. */
  private static Map<Long, StoredEvent> lookUp(SqliteEngine.Db db, List<InboxEvent> events) throws SQLException {
    Map<Long, StoredEvent> byEvent = new HashMap<>();
    PreparedStatement find = db.prepare("SELECT payload, seqs FROM inbox_fanout WHERE event_id = ?");
    for (InboxEvent event : events) {
      if (byEvent.containsKey(event.eventId())) {
        continue;
      }
      find.setLong(1, event.eventId());
      try (ResultSet rs = find.executeQuery()) {
        byEvent.put(event.eventId(), rs.next()
            ? new StoredEvent(rs.getString(1), new JsonObject(rs.getString(2)), false)
            : StoredEvent.unseen(events, event.eventId()));
      }
    }
    return byEvent;
  }

  private static void save(SqliteEngine.Db db, Map<Long, StoredEvent> byEvent) throws SQLException {
    for (Map.Entry<Long, StoredEvent> entry : byEvent.entrySet()) {
      StoredEvent event = entry.getValue();
      if (event.isNew) {
        PreparedStatement insert = db.prepare("INSERT INTO inbox_fanout (event_id, payload, seqs) VALUES (?, ?, ?)");
        insert.setLong(1, entry.getKey());
        insert.setString(2, event.sharedPayload);
        insert.setString(3, event.seqs.encode());
        insert.executeUpdate();
      } else if (event.changed) {
        PreparedStatement update = db.prepare("UPDATE inbox_fanout SET seqs = ? WHERE event_id = ?");
        update.setString(1, event.seqs.encode());
        update.setLong(2, entry.getKey());
        update.executeUpdate();
      }
    }
  }

  private static String storedPayload(SqliteEngine.Db db, String userId, long seq, String sharedPayload)
      throws SQLException {
    PreparedStatement ps = db.prepare("SELECT payload, own_members FROM inbox WHERE user_id = ? AND seq = ?");
    ps.setString(1, userId);
    ps.setLong(2, seq);
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? InboxPayloads.of(rs.getString(1), rs.getString(2), sharedPayload) : sharedPayload;
    }
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

  @Override
  public Future<List<InboxEvent>> after(String userId, long afterSeq, int limit) {
    return engine.read(db -> {
      // coalesce evaluates lazily: the event's row is read only for rows without a payload of their own
      PreparedStatement ps = db.prepare("SELECT i.seq, i.event_id, coalesce(i.payload, "
          + "(SELECT e.payload FROM inbox_fanout e WHERE e.event_id = i.event_id)), i.own_members "
          + "FROM inbox i WHERE i.user_id = ? AND i.seq > ? ORDER BY i.seq LIMIT ?");
      ps.setString(1, userId);
      ps.setLong(2, afterSeq);
      ps.setInt(3, limit);
      List<InboxEvent> events = new ArrayList<>(Math.min(limit, 256));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          events.add(new InboxEvent(userId, rs.getLong(1), rs.getLong(2), InboxPayloads.of(null, rs.getString(4), rs.getString(3)),
              false));
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
