package chat.store.rocksdb;

import chat.async.Lru;
import chat.protocol.ConversationId;
import chat.store.ConversationSummary;
import chat.store.Message;
import chat.store.MessageStore;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * History and conversation lists in RocksDB.
 *
 * <p>Table {@code m}: key (conversation id, msgId); value sender id, sender device id, client id,
 * kind, body, ts. A page is one seek to the cursor and a backward scan.
 * Table {@code c}: key (user id, conversation id); value last msgId, unread count. The conversation
 * list scans the user's rows and keeps the most recent (as the Cassandra adapter does): a recency
 * index would cost every message a delete and a put per participant, 4 of its 13 writes, for a read
 * that is rare (docs/performance.md, change 16). The writer keeps recently touched {@code c} values
 * in a bounded cache, so an append usually reads nothing.
 */
final class RocksMessageStore implements MessageStore {
  private static final int STATE_CACHE_ENTRIES = 100_000;

  /** A user's row of a conversation list: the newest msgId and the unread count. */
  private record State(long last, long unread) {
  }

  private record StateKey(String userId, String conversationId) {
  }

  private final RocksEngine engine;
  /** (user, conversation) → state, of the open batch or durable; touched only on the writer thread. */
  private final Lru<StateKey, State> states = new Lru<>(STATE_CACHE_ENTRIES);

  RocksMessageStore(RocksEngine engine) {
    this.engine = engine;
    engine.onRollback(states::clear);
  }

  @Override
  public Future<Message> append(Message message, List<String> participants) {
    return engine.write(batch -> {
      byte[] stored = batch.get(messageKey(message.conversationId(), message.msgId()));
      return stored != null ? message(message.conversationId(), message.msgId(), stored)
          : appendNew(batch, message, participants);
    });
  }

  /**
   * The append of a message whose msgId nothing is stored under (one claimed in the same write), as
   * part of a larger write on the writer thread: nothing is looked up but the participants' states.
   */
  Message appendNew(RocksEngine.Batch batch, Message message, List<String> participants) throws RocksDBException {
    batch.put(messageKey(message.conversationId(), message.msgId()), messageValue(message));
    Map<StateKey, State> updated = new HashMap<>();
    for (String participant : participants) {
      StateKey key = new StateKey(participant, message.conversationId());
      State state = state(batch, key);
      long last = state == null ? 0 : state.last();
      long newLast = Math.max(last, message.msgId());
      State next = new State(newLast, (state == null ? 0 : state.unread())
          + (Message.countsAsUnreadFor(message, participant) ? 1 : 0));
      batch.put(stateKey(participant, message.conversationId()), stateValue(next.last(), next.unread()));
      updated.put(key, next);
    }
    batch.onSuccess(() -> states.putAll(updated));
    return message;
  }

  private State state(RocksEngine.Batch batch, StateKey key) throws RocksDBException {
    State cached = states.get(key);
    if (cached != null) {
      return cached;
    }
    byte[] stored = batch.get(stateKey(key.userId(), key.conversationId()));
    if (stored == null) {
      return null;
    }
    Bytes.Reader reader = new Bytes.Reader(stored, 0);
    return new State(reader.i64(), reader.i64());
  }

  @Override
  public Future<Optional<Message>> find(String conversationId, long msgId) {
    return engine.read(reader -> {
      byte[] stored = reader.get(messageKey(conversationId, msgId));
      return Optional.ofNullable(stored == null ? null : message(conversationId, msgId, stored));
    });
  }

  @Override
  public Future<Void> markRead(String userId, String conversationId, long upTo) {
    return engine.write(batch -> {
      StateKey key = new StateKey(userId, conversationId);
      State state = state(batch, key);
      if (state == null) {
        return null;
      }
      long[] unread = {0};
      if (state.last() > upTo) { // only the unread tail is counted
        batch.scan(messageKey(conversationId, Math.max(upTo + 1, 0)), Bytes.key('m').id(conversationId).bytes(),
            (messageKey, value) -> {
              Bytes.Reader row = new Bytes.Reader(value, 0);
              String sender = row.text();
              row.text(); // device
              row.text(); // client id
              if (!sender.equals(userId) && !Message.SYSTEM_KIND.equals(row.text())) {
                unread[0]++;
              }
            });
      }
      State read = new State(state.last(), unread[0]);
      batch.put(stateKey(userId, conversationId), stateValue(read.last(), read.unread()));
      batch.onSuccess(() -> states.put(key, read));
      return null;
    });
  }

  @Override
  public Future<List<Message>> page(String conversationId, Long beforeMsgId, int limit) {
    return engine.read(reader -> {
      List<Message> page = new ArrayList<>(limit);
      long before = beforeMsgId == null ? Long.MAX_VALUE : beforeMsgId;
      if (before <= 0) {
        return page;
      }
      byte[] prefix = Bytes.key('m').id(conversationId).bytes();
      try (RocksIterator it = reader.newIterator()) {
        for (it.seekForPrev(messageKey(conversationId, before - 1));
             it.isValid() && Bytes.startsWith(it.key(), prefix) && page.size() < limit; it.prev()) {
          page.add(message(conversationId, new Bytes.Reader(it.key(), prefix.length).i64(), it.value()));
        }
      }
      return page;
    });
  }

  @Override
  public Future<List<ConversationSummary>> conversations(String userId, int limit) {
    // a reader's view is one snapshot: the list, its last messages and unread counts from one moment
    return engine.read(reader -> {
      if (limit <= 0) {
        return List.of();
      }
      PriorityQueue<Listed> mostRecent = new PriorityQueue<>(Comparator.comparingLong(Listed::last));
      byte[] prefix = Bytes.key('c').id(userId).bytes();
      try (RocksIterator it = reader.newIterator()) {
        for (it.seek(prefix); it.isValid() && Bytes.startsWith(it.key(), prefix); it.next()) {
          Bytes.Reader state = new Bytes.Reader(it.value(), 0);
          long last = state.i64();
          if (mostRecent.size() < limit || last > mostRecent.peek().last()) {
            mostRecent.add(new Listed(new Bytes.Reader(it.key(), prefix.length).id(), last, state.i64()));
            if (mostRecent.size() > limit) {
              mostRecent.poll();
            }
          }
        }
        it.status();
      }
      List<ConversationSummary> list = new ArrayList<>(mostRecent.size());
      while (!mostRecent.isEmpty()) {
        list.add(summary(reader, userId, mostRecent.poll()));
      }
      Collections.reverse(list);
      return list;
    });
  }

  /** A row of a user's conversation list, before its last message is read. */
  private record Listed(String conversationId, long last, long unread) {
  }

  private static ConversationSummary summary(RocksEngine.Reader reader, String userId, Listed listed)
      throws RocksDBException {
    Message last = message(listed.conversationId(), listed.last(), reader.get(messageKey(listed.conversationId(),
        listed.last())));
    ConversationId id = ConversationId.parse(listed.conversationId());
    return new ConversationSummary(id.value(), id.isDirect() ? "direct" : "group",
        id.isDirect() ? id.peerOf(userId) : null, last, listed.unread());
  }

  static byte[] messageKey(String conversationId, long msgId) {
    return Bytes.key('m').id(conversationId).i64(msgId).bytes();
  }

  static byte[] messageValue(Message message) {
    return Bytes.value().text(message.senderId()).text(message.senderDeviceId()).text(message.clientId())
        .text(message.kind()).text(message.body()).i64(message.ts()).bytes();
  }

  static byte[] stateValue(long lastMsgId, long unread) {
    return Bytes.value().i64(lastMsgId).i64(unread).bytes();
  }

  static byte[] stateKey(String userId, String conversationId) {
    return Bytes.key('c').id(userId).id(conversationId).bytes();
  }

  private static Message message(String conversationId, long msgId, byte[] stored) {
    Bytes.Reader row = new Bytes.Reader(stored, 0);
    return new Message(msgId, conversationId, row.text(), row.text(), row.text(), row.text(), row.text(), row.i64());
  }
}
