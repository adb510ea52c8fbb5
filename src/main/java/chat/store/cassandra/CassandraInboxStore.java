package chat.store.cassandra;

import static chat.store.cassandra.Cql.bind;

import chat.async.KeyedSerializer;
import chat.async.Lru;
import chat.store.InboxEvent;
import chat.store.InboxStore;
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
 * Table {@code inbox_events}: key ({@code user_id}, {@code event_id}), both in the partition key;
 * column seq. It makes appends idempotent: an event already there keeps its seq and comes back with
 * fresh=false, using up no seq.
 *
 * <p>Seqs: the next seq of a user is newest + 1, the newest coming from a bounded per-process cache
 * or, on a miss, from the head of the user's inbox partition ({@code ORDER BY seq DESC LIMIT 1}).
 * That is only correct with one writer per user: in the cluster a user's Kafka partition has one
 * owner (which calls {@link #forgetCachedSeqs} after a rebalance), and within this process appends
 * for one user are chained here, one at a time in call order, so concurrent appends still get
 * dense seqs. Appends for different users run concurrently.
 *
 * <p>Write order, per event: the inbox row first, then its inbox_events row. A crash between the
 * two leaves an inbox row without its inbox_events row; it can only be the user's newest row,
 * because one user's events are written strictly one after another. Whenever the newest seq is read
 * from the table (after a restart, a rebalance or a failed append, all of which empty the cache)
 * the newest row's event is checked and its missing inbox_events row written. So a replay of that
 * event finds it (fresh=false, same seq) and no other event can take its seq. The other order would
 * be wrong: an inbox_events row without its inbox row points at a seq that the next new event would
 * take as well. A failed append drops the user's cached seq for the same reason: a timed-out write
 * may still have been applied.
 *
 * <p>A user's inbox is one partition that only grows; it suits the sizes of an inbox kept for
 * offline sync, not years of events (trimming old seqs would be a separate job).
 */
final class CassandraInboxStore implements InboxStore {
  private static final int SEQ_CACHE_USERS = 100_000;
  static final List<String> SCHEMA = List.of("""
      CREATE TABLE IF NOT EXISTS $ks.inbox (
        user_id text,
        seq bigint,
        event_id bigint,
        payload text,
        PRIMARY KEY (user_id, seq)
      ) WITH CLUSTERING ORDER BY (seq ASC)""", """
      CREATE TABLE IF NOT EXISTS $ks.inbox_events (
        user_id text,
        event_id bigint,
        seq bigint,
        PRIMARY KEY ((user_id, event_id))
      )""");

  private final Cql cql;
  private final KeyedSerializer writers = new KeyedSerializer();
  /** user → newest stored seq, for users whose appends went through this process. */
  private final Lru<String, Long> newestSeq = new Lru<>(SEQ_CACHE_USERS);
  private PreparedStatement insertRow;
  private PreparedStatement insertEvent;
  private PreparedStatement findEvent;
  private PreparedStatement findRow;
  private PreparedStatement newestRow;
  private PreparedStatement after;

  CassandraInboxStore(Cql cql) {
    this.cql = cql;
  }

  Future<Void> prepare() {
    return Future.all(List.of(
        cql.prepare("INSERT INTO $ks.inbox (user_id, seq, event_id, payload) VALUES (?, ?, ?, ?)")
            .onSuccess(ps -> insertRow = ps),
        cql.prepare("INSERT INTO $ks.inbox_events (user_id, event_id, seq) VALUES (?, ?, ?)")
            .onSuccess(ps -> insertEvent = ps),
        cql.prepare("SELECT seq FROM $ks.inbox_events WHERE user_id = ? AND event_id = ?")
            .onSuccess(ps -> findEvent = ps),
        cql.prepare("SELECT payload FROM $ks.inbox WHERE user_id = ? AND seq = ?").onSuccess(ps -> findRow = ps),
        cql.prepare("SELECT seq, event_id FROM $ks.inbox WHERE user_id = ? ORDER BY seq DESC LIMIT 1")
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

  /** Appends one user's events (at {@code positions} of {@code events}); runs alone for that user. */
  private Future<Void> appendForUser(String user, List<Integer> positions, List<InboxEvent> events,
                                     AtomicReferenceArray<InboxEvent> stored) {
    long[] newest = new long[1];
    Map<Long, InboxEvent> seen = new HashMap<>();
    Future<Void> chain = newest(user).map(seq -> {
      newest[0] = seq;
      return null;
    });
    for (int position : positions) {
      InboxEvent event = events.get(position);
      chain = chain.compose(v -> {
        InboxEvent earlier = seen.get(event.eventId());
        if (earlier != null) { // the same event twice in one append: stored by the first
          stored.set(position, earlier);
          return Future.succeededFuture();
        }
        return cql.one(bind(findEvent, user, event.eventId())).compose(row -> {
          if (row != null) {
            return replay(event, row.getLong(0)).map(old -> {
              seen.put(event.eventId(), old);
              stored.set(position, old);
              return null;
            });
          }
          long seq = newest[0] + 1;
          return cql.execute(bind(insertRow, user, seq, event.eventId(), event.payload()))
              .compose(rs -> cql.execute(bind(insertEvent, user, event.eventId(), seq)))
              .map(rs -> {
                newest[0] = seq;
                seen.put(event.eventId(), new InboxEvent(user, seq, event.eventId(), event.payload(), false));
                stored.set(position, new InboxEvent(user, seq, event.eventId(), event.payload(), true));
                return null;
              });
        });
      });
    }
    return chain.onComplete(ar -> {
      if (ar.succeeded()) {
        newestSeq.put(user, newest[0]);
      } else {
        newestSeq.remove(user);
      }
    });
  }

  /** The stored copy of an event already in the inbox at {@code seq}. */
  private Future<InboxEvent> replay(InboxEvent event, long seq) {
    return cql.one(bind(findRow, event.userId(), seq)).map(row -> new InboxEvent(event.userId(), seq,
        event.eventId(), row == null ? event.payload() : row.getString(0), false));
  }

  /** The user's newest seq: cached, or read from the table after completing a half-written newest event. */
  private Future<Long> newest(String user) {
    Long cached = newestSeq.get(user);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return cql.one(bind(newestRow, user)).compose(row -> {
      if (row == null) {
        return Future.succeededFuture(0L);
      }
      long seq = row.getLong(0);
      long eventId = row.getLong(1);
      return cql.one(bind(findEvent, user, eventId)).compose(event -> event != null ? Future.succeededFuture(seq)
          : cql.execute(bind(insertEvent, user, eventId, seq)).map(seq));
    });
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
