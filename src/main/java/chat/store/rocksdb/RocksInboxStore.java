package chat.store.rocksdb;

import chat.async.Lru;
import chat.protocol.Frames;
import chat.store.InboxEvent;
import chat.store.InboxPayloads;
import chat.store.InboxStore;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * Per-user inboxes in RocksDB.
 *
 * <p>Table {@code i}: key (user id, seq), so sync is one seek and a forward scan; value the event
 * id, then the row's form and text: {@value #SHARED} the event's shared payload (no text),
 * {@value #OWN} a payload of its own, {@value #OWN_MEMBERS} the shared one with these members put
 * first ({@link InboxPayloads}).
 * Table {@code f}: key event id; value the event's shared payload, stored once however many users
 * get it, then, for an event created with at most {@value #LISTED_COPIES_MAX} copies (a 1:1 message),
 * the count and (user id, seq) of each copy, so a replayed (user, event) keeps its seq.
 * Table {@code e}: key (event id, user id); value the seq of the user's copy, for the other events:
 * a large group's, whose {@code f} row every sync reads and so stays small, and those stored before
 * change 17 or imported from SQLite. Listing a 1:1 message's copies in its row saves two of its
 * nine writes (docs/performance.md, change 17).
 *
 * <p>Seq assignment happens on the engine's single writer thread, which keeps the newest seq of
 * recently active users in a bounded cache, so an append costs no read in the common case.
 */
final class RocksInboxStore implements InboxStore {
  static final int SHARED = 0;
  static final int OWN = 1;
  static final int OWN_MEMBERS = 2;
  private static final int SEQ_CACHE_USERS = 100_000;
  /** An event created with at most this many copies lists them in its own row instead of {@code e} keys. */
  static final int LISTED_COPIES_MAX = 16;

  private final RocksEngine engine;
  /** user → newest seq of the open batch or durable; touched only on the writer thread. */
  private final Lru<String, Long> lastSeq = new Lru<>(SEQ_CACHE_USERS);
  /**
   * At least the greatest event id of table {@code f} (durable or in the open batch), -1 until first
   * read: an id above it has no shared payload yet. Touched only on the writer thread.
   */
  private long highestSharedEvent = -1;

  RocksInboxStore(RocksEngine engine) {
    this.engine = engine;
    engine.onRollback(lastSeq::clear);
  }

  @Override
  public Future<List<InboxEvent>> append(List<InboxEvent> events) {
    return engine.write(batch -> append(batch, events, false));
  }

  /**
   * The append of a new message's events within the write that claimed its msgId, their event id
   * (RocksClaimedAppendStore): nothing can be stored under an id claimed just now, so no (event,
   * user) is looked up. Were an id ever reused, the write fails and puts nothing.
   */
  List<InboxEvent> appendUnseen(RocksEngine.Batch batch, List<InboxEvent> events) throws RocksDBException {
    return append(batch, events, true);
  }

  private List<InboxEvent> append(RocksEngine.Batch batch, List<InboxEvent> events, boolean unseen)
      throws RocksDBException {
    Map<Long, SharedRow> sharedByEvent = new HashMap<>();
    Map<String, Long> assigned = new HashMap<>();
    List<InboxEvent> stored = new ArrayList<>(events.size());
    for (InboxEvent event : events) {
      SharedRow shared = sharedByEvent.get(event.eventId());
      if (shared == null) {
        shared = sharedRow(batch, events, event.eventId(), unseen);
        sharedByEvent.put(event.eventId(), shared);
      }
      Long oldSeq = shared.seqOf(batch, event.userId());
      if (oldSeq != null) {
        stored.add(new InboxEvent(event.userId(), oldSeq, event.eventId(),
            storedPayload(batch.get(rowKey(event.userId(), oldSeq)), shared.payload), false));
        continue;
      }
      Long newest = assigned.get(event.userId());
      long next = (newest != null ? newest : newestSeq(batch, event.userId())) + 1;
      batch.put(rowKey(event.userId(), next), row(event, shared.payload));
      shared.add(batch, event.userId(), next);
      assigned.put(event.userId(), next);
      stored.add(new InboxEvent(event.userId(), next, event.eventId(), event.payload(), true));
    }
    for (SharedRow shared : sharedByEvent.values()) {
      shared.putIfChanged(batch);
    }
    batch.onSuccess(() -> lastSeq.putAll(assigned));
    return stored;
  }

  /**
   * An event's row of table {@code f} as this append reads and extends it: the shared payload, and
   * the seq of each user's copy, listed in the row itself (an event created with at most
   * {@value #LISTED_COPIES_MAX} copies: a 1:1 message's two) or else kept as {@code e} keys (a large
   * group's event, whose row every sync reads; events stored before change 17, and imported ones).
   */
  private static final class SharedRow {
    private final long eventId;
    private final String payload;
    /** Whether the row lists its copies (else they are {@code e} keys). */
    private final boolean listsCopies;
    /** Whether {@code e} keys may hold copies from before this append. */
    private final boolean storedKeys;
    /** user → seq: the row's listed copies and the copies this append found or added. */
    private final Map<String, Long> copies;
    private boolean changed;

    private SharedRow(long eventId, String payload, boolean listsCopies, boolean storedKeys, Map<String, Long> copies,
                      boolean changed) {
      this.eventId = eventId;
      this.payload = payload;
      this.listsCopies = listsCopies;
      this.storedKeys = storedKeys;
      this.copies = copies;
      this.changed = changed;
    }

    static SharedRow created(long eventId, String payload, boolean listsCopies) {
      return new SharedRow(eventId, payload, listsCopies, false, new HashMap<>(), true);
    }

    static SharedRow stored(long eventId, byte[] row) {
      Bytes.Reader reader = new Bytes.Reader(row, 0);
      String payload = reader.text();
      Map<String, Long> copies = new HashMap<>();
      if (reader.atEnd()) {
        return new SharedRow(eventId, payload, false, true, copies, false);
      }
      for (int i = reader.i32(); i > 0; i--) {
        copies.put(reader.id(), reader.i64());
      }
      return new SharedRow(eventId, payload, true, false, copies, false);
    }

    Long seqOf(RocksEngine.Batch batch, String userId) throws RocksDBException {
      Long seq = copies.get(userId);
      if (seq == null && storedKeys) {
        byte[] held = batch.get(copyKey(eventId, userId));
        seq = held == null ? null : new Bytes.Reader(held, 0).i64();
      }
      return seq;
    }

    void add(RocksEngine.Batch batch, String userId, long seq) {
      copies.put(userId, seq);
      if (listsCopies) {
        changed = true;
      } else {
        batch.put(copyKey(eventId, userId), copyValue(seq));
      }
    }

    void putIfChanged(RocksEngine.Batch batch) {
      if (changed) {
        batch.put(sharedKey(eventId), listsCopies ? sharedValue(payload, copies) : sharedValue(payload));
      }
    }
  }

  /**
   * The event's row: as stored, or, for a new event, one with the payload most of its events carry
   * (put when the append ends). An unseen event found stored fails the write.
   */
  private SharedRow sharedRow(RocksEngine.Batch batch, List<InboxEvent> events, long eventId, boolean unseen)
      throws RocksDBException {
    // Ids are minted in increasing order, so a new message's id is nearly always above every stored
    // one and the reuse guard needs no look-up (one per message, ~11 % of the writer's CPU)
    boolean aboveStored = eventId > highestSharedEvent(batch);
    byte[] stored = unseen && aboveStored ? null : batch.get(sharedKey(eventId));
    if (stored != null) {
      if (unseen) {
        throw new IllegalStateException("event id " + eventId + " is already stored");
      }
      return SharedRow.stored(eventId, stored);
    }
    highestSharedEvent = Math.max(highestSharedEvent, eventId); // kept if the write fails: still an upper bound
    long copies = events.stream().filter(event -> event.eventId() == eventId).count();
    return SharedRow.created(eventId, InboxPayloads.commonest(events, eventId), copies <= LISTED_COPIES_MAX);
  }

  /** The greatest event id with a shared payload, durable or put by the open batch; read once, then kept. */
  private long highestSharedEvent(RocksEngine.Batch batch) throws RocksDBException {
    if (highestSharedEvent < 0) {
      byte[] prefix = Bytes.key('f').bytes();
      byte[] last = batch.lastKey(prefix);
      highestSharedEvent = last == null ? 0 : new Bytes.Reader(last, prefix.length).i64();
    }
    return highestSharedEvent;
  }

  private static byte[] row(InboxEvent event, String shared) {
    if (event.payload().equals(shared)) {
      return rowValue(event.eventId(), SHARED, null);
    }
    String members = Frames.membersBefore(event.payload(), shared);
    return members != null ? rowValue(event.eventId(), OWN_MEMBERS, members) : rowValue(event.eventId(), OWN, event.payload());
  }

  /** A row of table {@code i}: {@code text} is null for the form {@value #SHARED}. */
  static byte[] rowValue(long eventId, int form, String text) {
    Bytes row = Bytes.value().i64(eventId).i8(form);
    return form == SHARED ? row.bytes() : row.text(text).bytes();
  }

  /** The payload of a stored row, given its event's shared payload. */
  private static String storedPayload(byte[] row, String shared) {
    Bytes.Reader reader = new Bytes.Reader(row, 0);
    reader.i64();
    int form = reader.i8();
    return form == SHARED ? shared : form == OWN ? reader.text() : InboxPayloads.of(null, reader.text(), shared);
  }

  private long newestSeq(RocksEngine.Batch batch, String userId) throws RocksDBException {
    Long cached = lastSeq.get(userId);
    if (cached != null) {
      return cached;
    }
    byte[] prefix = rowPrefix(userId);
    byte[] last = batch.lastKey(prefix);
    return last == null ? 0 : new Bytes.Reader(last, prefix.length).i64();
  }

  @Override
  public Future<List<InboxEvent>> after(String userId, long afterSeq, int limit) {
    return engine.read(reader -> {
      List<InboxEvent> events = new ArrayList<>(Math.min(limit, 256));
      byte[] prefix = rowPrefix(userId);
      Map<Long, String> shared = new HashMap<>();
      try (RocksIterator it = reader.newIterator()) {
        for (it.seek(rowKey(userId, Math.max(afterSeq + 1, 0)));
             it.isValid() && Bytes.startsWith(it.key(), prefix) && events.size() < limit; it.next()) {
          long seq = new Bytes.Reader(it.key(), prefix.length).i64();
          byte[] row = it.value();
          long eventId = new Bytes.Reader(row, 0).i64();
          String sharedPayload = shared.get(eventId);
          if (sharedPayload == null) {
            sharedPayload = storedShared(reader, eventId);
            shared.put(eventId, sharedPayload);
          }
          events.add(new InboxEvent(userId, seq, eventId, storedPayload(row, sharedPayload), false));
        }
        it.status();
      }
      return events;
    });
  }

  private static String storedShared(RocksEngine.Reader reader, long eventId) throws RocksDBException {
    byte[] stored = reader.get(sharedKey(eventId));
    return stored == null ? null : new Bytes.Reader(stored, 0).text();
  }

  @Override
  public Future<Long> latestSeq(String userId) {
    return engine.read(reader -> {
      byte[] prefix = rowPrefix(userId);
      try (RocksIterator it = reader.newIterator()) {
        it.seekForPrev(Bytes.ceiling(prefix));
        if (it.isValid() && Bytes.startsWith(it.key(), prefix)) {
          return new Bytes.Reader(it.key(), prefix.length).i64();
        }
        it.status();
        return 0L;
      }
    });
  }

  private static byte[] rowPrefix(String userId) {
    return Bytes.key('i').id(userId).bytes();
  }

  static byte[] rowKey(String userId, long seq) {
    return Bytes.key('i').id(userId).i64(seq).bytes();
  }

  static byte[] sharedKey(long eventId) {
    return Bytes.key('f').i64(eventId).bytes();
  }

  /** The row of an event whose copies are {@code e} keys. */
  static byte[] sharedValue(String payload) {
    return Bytes.value().text(payload).bytes();
  }

  /** The row of an event that lists its copies. */
  private static byte[] sharedValue(String payload, Map<String, Long> listed) {
    Bytes row = Bytes.value().text(payload).i32(listed.size());
    listed.forEach((user, seq) -> row.id(user).i64(seq));
    return row.bytes();
  }

  static byte[] copyValue(long seq) {
    return Bytes.value().i64(seq).bytes();
  }

  static byte[] copyKey(long eventId, String userId) {
    return Bytes.key('e').i64(eventId).id(userId).bytes();
  }
}
