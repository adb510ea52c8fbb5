package chat.store.cassandra;

import static chat.store.cassandra.Cql.bind;

import chat.async.KeyedSerializer;
import chat.async.Lru;
import chat.store.InboxEvent;
import chat.store.InboxStore;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Per-user inboxes in Cassandra.
 *
 * <p>Table {@code inbox}: partition {@code user_id}, clustering {@code seq ASC}; columns event_id,
 * payload (the client frame as JSON, without seq). A sync is one forward slice of one partition.
 * Table {@code inbox_by_event}: partition {@code user_id}, clustering {@code event_id}; column seq.
 * It makes appends idempotent: an event already there keeps its seq and comes back with
 * fresh=false, using up no seq.
 *
 * <p>Both tables share the partition key, so an event's {@code inbox} row and its
 * {@code inbox_by_event} row go in one unlogged batch that Cassandra applies as a single mutation:
 * both or neither, so a crash can never leave a row that a replay would not find. A user's events of
 * one append take two round trips however many they are (up to {@value #EVENTS_PER_BATCH} per
 * batch): one read of the ids already stored, one batch of the new ones.
 *
 * <p>Seqs: the next seq of a user is newest + 1, the newest coming from a bounded per-process cache
 * or, on a miss, from the head of the user's inbox partition ({@code ORDER BY seq DESC LIMIT 1}).
 * That is only correct with one writer per user: in the cluster a user's Kafka partition has one
 * owner (which calls {@link #forgetCachedSeqs} after a rebalance), and within this process appends
 * for one user are chained here, one at a time in call order, so concurrent appends still get
 * dense seqs. Appends for different users run concurrently. A failed append drops the user's
 * cached seq: a timed-out batch may still have been applied.
 *
 * <p>A user's inbox is one partition that only grows; it suits the sizes of an inbox kept for
 * offline sync, not years of events (trimming old seqs would be a separate job).
 */
final class CassandraInboxStore implements InboxStore {
  private static final int SEQ_CACHE_USERS = 100_000;
  /** New events per batch: a batch is one mutation, kept well under the commit log's mutation limit. */
  private static final int EVENTS_PER_BATCH = 64;
  static final List<String> SCHEMA = List.of("""
      CREATE TABLE IF NOT EXISTS $ks.inbox (
        user_id text,
        seq bigint,
        event_id bigint,
        payload text,
        PRIMARY KEY (user_id, seq)
      ) WITH CLUSTERING ORDER BY (seq ASC)""", """
      CREATE TABLE IF NOT EXISTS $ks.inbox_by_event (
        user_id text,
        event_id bigint,
        seq bigint,
        PRIMARY KEY (user_id, event_id)
      )""");

  private final Cql cql;
  private final KeyedSerializer writers = new KeyedSerializer();
  /** user → newest stored seq, for users whose appends went through this process. */
  private final Lru<String, Long> newestSeq = new Lru<>(SEQ_CACHE_USERS);
  private PreparedStatement insertRow;
  private PreparedStatement insertEvent;
  private PreparedStatement findEvents;
  private PreparedStatement findRows;
  private PreparedStatement newestRow;
  private PreparedStatement after;

  CassandraInboxStore(Cql cql) {
    this.cql = cql;
  }

  Future<Void> prepare() {
    return Future.all(List.of(
        cql.prepare("INSERT INTO $ks.inbox (user_id, seq, event_id, payload) VALUES (?, ?, ?, ?)")
            .onSuccess(ps -> insertRow = ps),
        cql.prepare("INSERT INTO $ks.inbox_by_event (user_id, event_id, seq) VALUES (?, ?, ?)")
            .onSuccess(ps -> insertEvent = ps),
        cql.prepare("SELECT event_id, seq FROM $ks.inbox_by_event WHERE user_id = ? AND event_id IN ?")
            .onSuccess(ps -> findEvents = ps),
        cql.prepare("SELECT seq, payload FROM $ks.inbox WHERE user_id = ? AND seq IN ?").onSuccess(ps -> findRows = ps),
        cql.prepare("SELECT seq FROM $ks.inbox WHERE user_id = ? ORDER BY seq DESC LIMIT 1")
            .onSuccess(ps -> newestRow = ps),
        cql.prepare("SELECT seq, event_id, payload FROM $ks.inbox WHERE user_id = ? AND seq > ? LIMIT ?")
            .onSuccess(ps -> after = ps))).mapEmpty();
  }

  @Override
  public Future<List<InboxEvent>> append(List<InboxEvent> events) {
    Map<String, List<Integer>> positionsByUser = new LinkedHashMap<>();
    for (int i = 0; i < events.size(); i++) {
      positionsByUser.computeIfAbsent(events.get(i).userId(), user -> new ArrayList<>()).add(i);
    }
    AtomicReferenceArray<InboxEvent> stored = new AtomicReferenceArray<>(events.size());
    List<Future<?>> users = new ArrayList<>(positionsByUser.size());
    positionsByUser.forEach((user, positions) -> users.add(writers.submit(user,
        () -> appendForUser(user, positions, events, stored))));
    return Future.all(users).map(v -> {
      List<InboxEvent> result = new ArrayList<>(events.size());
      for (int i = 0; i < events.size(); i++) {
        result.add(stored.get(i));
      }
      return result;
    });
  }

  /**
   * Appends one user's events (at {@code positions} of {@code events}); runs alone for that user.
   * Events already stored (a replay) come back with their seq and stored payload; the others get
   * the next seqs, in order; an event given twice is stored once.
   */
  private Future<Void> appendForUser(String user, List<Integer> positions, List<InboxEvent> events,
                                     AtomicReferenceArray<InboxEvent> stored) {
    Map<Long, InboxEvent> byId = new LinkedHashMap<>();
    positions.forEach(position -> byId.putIfAbsent(events.get(position).eventId(), events.get(position)));
    Future<Map<Long, InboxEvent>> appended = newest(user).compose(newest -> replays(user, byId)
        .compose(replayed -> {
          List<InboxEvent> fresh = new ArrayList<>();
          long seq = newest;
          for (InboxEvent event : byId.values()) {
            if (!replayed.containsKey(event.eventId())) {
              fresh.add(new InboxEvent(user, ++seq, event.eventId(), event.payload(), true));
            }
          }
          long newestAfter = seq;
          return write(fresh, 0).map(v -> {
            newestSeq.put(user, newestAfter);
            Map<Long, InboxEvent> all = new HashMap<>(replayed);
            fresh.forEach(event -> all.put(event.eventId(), event));
            return all;
          });
        }));
    return appended.onFailure(e -> newestSeq.remove(user)).map(all -> {
      Map<Long, Boolean> firstSeen = new HashMap<>();
      for (int position : positions) {
        InboxEvent event = all.get(events.get(position).eventId());
        // the same event twice in one append: only its first mention can be fresh
        boolean first = firstSeen.putIfAbsent(event.eventId(), true) == null;
        stored.set(position, first ? event
            : new InboxEvent(user, event.seq(), event.eventId(), event.payload(), false));
      }
      return null;
    });
  }

  /** The events of {@code byId} already in the user's inbox, with their seq and stored payload (fresh=false). */
  private Future<Map<Long, InboxEvent>> replays(String user, Map<Long, InboxEvent> byId) {
    BoundStatement find = findEvents.boundStatementBuilder().setString(0, user)
        .setList(1, new ArrayList<>(byId.keySet()), Long.class).build();
    return cql.all(find).compose(rows -> {
      if (rows.isEmpty()) {
        return Future.succeededFuture(Map.of());
      }
      Map<Long, Long> eventBySeq = new HashMap<>();
      rows.forEach(row -> eventBySeq.put(row.getLong(1), row.getLong(0)));
      BoundStatement payloads = findRows.boundStatementBuilder().setString(0, user)
          .setList(1, new ArrayList<>(eventBySeq.keySet()), Long.class).build();
      return cql.all(payloads).map(found -> {
        Map<Long, String> payloadBySeq = new HashMap<>();
        found.forEach(row -> payloadBySeq.put(row.getLong(0), row.getString(1)));
        Map<Long, InboxEvent> replayed = new HashMap<>();
        eventBySeq.forEach((seq, eventId) -> replayed.put(eventId, new InboxEvent(user, seq, eventId,
            payloadBySeq.getOrDefault(seq, byId.get(eventId).payload()), false)));
        return replayed;
      });
    });
  }

  /** New events from {@code from} on, one batch (one mutation) per {@value #EVENTS_PER_BATCH}, in seq order. */
  private Future<Void> write(List<InboxEvent> fresh, int from) {
    if (from >= fresh.size()) {
      return Future.succeededFuture();
    }
    int to = Math.min(fresh.size(), from + EVENTS_PER_BATCH);
    BatchStatementBuilder batch = BatchStatement.builder(BatchType.UNLOGGED);
    for (InboxEvent event : fresh.subList(from, to)) {
      batch.addStatement(bind(insertRow, event.userId(), event.seq(), event.eventId(), event.payload()));
      batch.addStatement(bind(insertEvent, event.userId(), event.eventId(), event.seq()));
    }
    return cql.execute(batch.build()).compose(rs -> write(fresh, to));
  }

  /** The user's newest seq: cached, or read from the head of the inbox partition. */
  private Future<Long> newest(String user) {
    Long cached = newestSeq.get(user);
    return cached != null ? Future.succeededFuture(cached) : latestSeq(user);
  }

  @Override
  public Future<List<InboxEvent>> after(String userId, long afterSeq, int limit) {
    if (limit <= 0) {
      return Future.succeededFuture(List.of());
    }
    return cql.all(bind(after, userId, afterSeq, limit)).map(rows -> {
      List<InboxEvent> events = new ArrayList<>(rows.size());
      for (Row row : rows) {
        events.add(new InboxEvent(userId, row.getLong(0), row.getLong(1), row.getString(2), false));
      }
      return events;
    });
  }

  @Override
  public Future<Long> latestSeq(String userId) {
    return cql.one(bind(newestRow, userId)).map(row -> row == null ? 0L : row.getLong(0));
  }

  @Override
  public void forgetCachedSeqs() {
    newestSeq.clear();
  }
}
