package chat.store.rocksdb;

import chat.protocol.ConversationId;
import chat.store.ConversationSummary;
import chat.store.Message;
import chat.store.MessageStore;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;

/**
 * History and conversation lists in RocksDB.
 *
 * <p>Table {@code m}: key (conversation id, msgId); value sender id, sender device id, client id,
 * kind, body, ts. A page is one seek to the cursor and a backward scan.
 * Table {@code c}: key (user id, conversation id); value last msgId, unread count.
 * Table {@code r}: key (user id, last msgId, conversation id), no value: the user's conversations by
 * recency, so the list is a backward scan. Each append moves a participant's {@code r} key (a
 * delete and a put) along with the new {@code c} value.
 */
final class RocksMessageStore implements MessageStore {
  private final RocksEngine engine;

  RocksMessageStore(RocksEngine engine) {
    this.engine = engine;
  }

  @Override
  public Future<Message> append(Message message, List<String> participants) {
    return engine.write(batch -> append(batch, message, participants));
  }

  /** The append as part of a larger write, on the writer thread. */
  static Message append(RocksEngine.Batch batch, Message message, List<String> participants) throws RocksDBException {
    byte[] key = messageKey(message.conversationId(), message.msgId());
    byte[] stored = batch.get(key);
    if (stored != null) {
      return message(message.conversationId(), message.msgId(), stored);
    }
    batch.put(key, messageValue(message));
    for (String participant : participants) {
      byte[] stateKey = stateKey(participant, message.conversationId());
      byte[] state = batch.get(stateKey);
      long last = 0;
      long unread = 0;
      if (state != null) {
        Bytes.Reader reader = new Bytes.Reader(state, 0);
        last = reader.i64();
        unread = reader.i64();
      }
      long newLast = Math.max(last, message.msgId());
      if (newLast != last) {
        if (state != null) {
          batch.delete(recentKey(participant, last, message.conversationId()));
        }
        batch.put(recentKey(participant, newLast, message.conversationId()), new byte[0]);
      }
      long newUnread = unread + (Message.countsAsUnreadFor(message, participant) ? 1 : 0);
      batch.put(stateKey, stateValue(newLast, newUnread));
    }
    return message;
  }

  @Override
  public Future<Optional<Message>> find(String conversationId, long msgId) {
    return engine.read(db -> {
      byte[] stored = db.get(messageKey(conversationId, msgId));
      return Optional.ofNullable(stored == null ? null : message(conversationId, msgId, stored));
    });
  }

  @Override
  public Future<Void> markRead(String userId, String conversationId, long upTo) {
    return engine.write(batch -> {
      byte[] stateKey = stateKey(userId, conversationId);
      byte[] state = batch.get(stateKey);
      if (state == null) {
        return null;
      }
      long last = new Bytes.Reader(state, 0).i64();
      long unread = 0;
      if (last > upTo) { // only the unread tail is counted
        byte[] prefix = Bytes.key('m').id(conversationId).bytes();
        try (RocksIterator it = batch.iterator()) {
          for (it.seek(messageKey(conversationId, Math.max(upTo + 1, 0))); it.isValid() && Bytes.startsWith(it.key(), prefix);
               it.next()) {
            Bytes.Reader row = new Bytes.Reader(it.value(), 0);
            String sender = row.text();
            row.text(); // device
            row.text(); // client id
            String kind = row.text();
            if (!sender.equals(userId) && !Message.SYSTEM_KIND.equals(kind)) {
              unread++;
            }
          }
        }
      }
      batch.put(stateKey, stateValue(last, unread));
      return null;
    });
  }

  @Override
  public Future<List<Message>> page(String conversationId, Long beforeMsgId, int limit) {
    return engine.read(db -> {
      List<Message> page = new ArrayList<>(limit);
      long before = beforeMsgId == null ? Long.MAX_VALUE : beforeMsgId;
      if (before <= 0) {
        return page;
      }
      byte[] prefix = Bytes.key('m').id(conversationId).bytes();
      try (RocksIterator it = db.newIterator()) {
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
    return engine.read(db -> {
      List<ConversationSummary> list = new ArrayList<>();
      byte[] prefix = Bytes.key('r').id(userId).bytes();
      Snapshot snapshot = db.getSnapshot(); // the list, its last messages and unread counts from one moment
      try (ReadOptions atSnapshot = new ReadOptions().setSnapshot(snapshot);
           RocksIterator it = db.newIterator(atSnapshot)) {
        for (it.seekForPrev(Bytes.key('r').id(userId).ceiling().bytes());
             it.isValid() && Bytes.startsWith(it.key(), prefix) && list.size() < limit; it.prev()) {
          Bytes.Reader key = new Bytes.Reader(it.key(), prefix.length);
          long lastMsgId = key.i64();
          String conversationId = key.id();
          list.add(summary(db, atSnapshot, userId, conversationId, lastMsgId));
        }
      } finally {
        db.releaseSnapshot(snapshot);
      }
      return list;
    });
  }

  private static ConversationSummary summary(RocksDB db, ReadOptions atSnapshot, String userId, String conversationId,
                                             long lastMsgId) throws RocksDBException {
    Message last = message(conversationId, lastMsgId, db.get(atSnapshot, messageKey(conversationId, lastMsgId)));
    Bytes.Reader state = new Bytes.Reader(db.get(atSnapshot, stateKey(userId, conversationId)), 0);
    state.i64();
    ConversationId id = ConversationId.parse(conversationId);
    return new ConversationSummary(id.value(), id.isDirect() ? "direct" : "group",
        id.isDirect() ? id.peerOf(userId) : null, last, state.i64());
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

  static byte[] recentKey(String userId, long lastMsgId, String conversationId) {
    return Bytes.key('r').id(userId).i64(lastMsgId).id(conversationId).bytes();
  }

  private static Message message(String conversationId, long msgId, byte[] stored) {
    Bytes.Reader row = new Bytes.Reader(stored, 0);
    return new Message(msgId, conversationId, row.text(), row.text(), row.text(), row.text(), row.text(), row.i64());
  }
}
