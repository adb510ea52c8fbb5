package chat.store.sqlite;

import chat.protocol.ConversationId;
import chat.store.ConversationSummary;
import chat.store.Message;
import chat.store.MessageStore;
import io.vertx.core.Future;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * History and conversation lists in SQLite.
 *
 * <p>Table {@code messages}: key ({@code conversation_id}, {@code msg_id}), so a page is one range
 * scan of the primary key backwards; columns sender_id, sender_device_id, client_id, kind, body, ts.
 * Table {@code user_conversations}: key ({@code user_id}, {@code conversation_id}); columns
 * last_msg_id, unread; index {@code user_conversations_recent} on (user_id, last_msg_id).
 */
final class SqliteMessageStore implements MessageStore {
  static final List<String> SCHEMA = List.of("""
      CREATE TABLE IF NOT EXISTS messages (
        conversation_id TEXT NOT NULL,
        msg_id INTEGER NOT NULL,
        sender_id TEXT NOT NULL,
        sender_device_id TEXT,
        client_id TEXT,
        kind TEXT NOT NULL,
        body TEXT,
        ts INTEGER NOT NULL,
        PRIMARY KEY (conversation_id, msg_id)
      ) WITHOUT ROWID""", """
      CREATE TABLE IF NOT EXISTS user_conversations (
        user_id TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        last_msg_id INTEGER NOT NULL,
        unread INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (user_id, conversation_id)
      ) WITHOUT ROWID""",
      "CREATE INDEX IF NOT EXISTS user_conversations_recent ON user_conversations (user_id, last_msg_id)");

  private static final String COLUMNS = "m.msg_id, m.conversation_id, m.sender_id, m.sender_device_id, m.client_id, "
      + "m.kind, m.body, m.ts";
  private final SqliteEngine engine;

  SqliteMessageStore(SqliteEngine engine) {
    this.engine = engine;
  }

  @Override
  public Future<Message> append(Message message, List<String> participants) {
    return engine.write(db -> append(db, message, participants));
  }

  /** The append as part of a larger write, on the writer thread. */
  static Message append(SqliteEngine.Db db, Message message, List<String> participants) throws SQLException {
    PreparedStatement insert = db.prepare("INSERT INTO messages (conversation_id, msg_id, sender_id, "
        + "sender_device_id, client_id, kind, body, ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
    insert.setString(1, message.conversationId());
    insert.setLong(2, message.msgId());
    insert.setString(3, message.senderId());
    insert.setString(4, message.senderDeviceId());
    insert.setString(5, message.clientId());
    insert.setString(6, message.kind());
    insert.setString(7, message.body());
    insert.setLong(8, message.ts());
    if (insert.executeUpdate() == 0) {
      return find(db, message.conversationId(), message.msgId());
    }
    PreparedStatement touch = db.prepare("INSERT INTO user_conversations (user_id, conversation_id, last_msg_id, "
        + "unread) VALUES (?, ?, ?, ?) ON CONFLICT (user_id, conversation_id) DO UPDATE SET "
        + "last_msg_id = max(last_msg_id, excluded.last_msg_id), unread = unread + excluded.unread");
    for (String participant : participants) {
      touch.setString(1, participant);
      touch.setString(2, message.conversationId());
      touch.setLong(3, message.msgId());
      touch.setInt(4, Message.countsAsUnreadFor(message, participant) ? 1 : 0);
      touch.addBatch();
    }
    touch.executeBatch();
    return message;
  }

  private static Message find(SqliteEngine.Db db, String conversationId, long msgId) throws SQLException {
    PreparedStatement ps = db.prepare("SELECT " + COLUMNS + " FROM messages m WHERE m.conversation_id = ? AND m.msg_id = ?");
    ps.setString(1, conversationId);
    ps.setLong(2, msgId);
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? message(rs) : null;
    }
  }

  @Override
  public Future<Optional<Message>> find(String conversationId, long msgId) {
    return engine.read(db -> Optional.ofNullable(find(db, conversationId, msgId)));
  }

  @Override
  public Future<Void> markRead(String userId, String conversationId, long upTo) {
    return engine.write(db -> {
      // A range of the primary key (conversation_id, msg_id) after upTo: only the unread tail.
      PreparedStatement ps = db.prepare("UPDATE user_conversations SET unread = CASE WHEN last_msg_id <= ?1 THEN 0 "
          + "ELSE (SELECT count(*) FROM messages WHERE conversation_id = ?2 AND msg_id > ?1 AND sender_id <> ?3 "
          + "AND kind <> '" + Message.SYSTEM_KIND + "') END WHERE user_id = ?3 AND conversation_id = ?2");
      ps.setLong(1, upTo);
      ps.setString(2, conversationId);
      ps.setString(3, userId);
      ps.executeUpdate();
      return null;
    });
  }

  @Override
  public Future<List<Message>> page(String conversationId, Long beforeMsgId, int limit) {
    return engine.read(db -> {
      PreparedStatement ps = db.prepare("SELECT " + COLUMNS + " FROM messages m WHERE m.conversation_id = ? "
          + "AND m.msg_id < ? ORDER BY m.msg_id DESC LIMIT ?");
      ps.setString(1, conversationId);
      ps.setLong(2, beforeMsgId == null ? Long.MAX_VALUE : beforeMsgId);
      ps.setInt(3, limit);
      List<Message> page = new ArrayList<>(limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          page.add(message(rs));
        }
      }
      return page;
    });
  }

  @Override
  public Future<List<ConversationSummary>> conversations(String userId, int limit) {
    return engine.read(db -> {
      PreparedStatement ps = db.prepare("SELECT uc.unread, " + COLUMNS + " FROM user_conversations uc "
          + "JOIN messages m ON m.conversation_id = uc.conversation_id AND m.msg_id = uc.last_msg_id "
          + "WHERE uc.user_id = ? ORDER BY uc.last_msg_id DESC LIMIT ?");
      ps.setString(1, userId);
      ps.setInt(2, limit);
      List<ConversationSummary> list = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Message last = new Message(rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
              rs.getString(6), rs.getString(7), rs.getString(8), rs.getLong(9));
          ConversationId id = ConversationId.parse(last.conversationId());
          list.add(new ConversationSummary(id.value(), id.isDirect() ? "direct" : "group",
              id.isDirect() ? id.peerOf(userId) : null, last, rs.getLong(1)));
        }
      }
      return list;
    });
  }

  private static Message message(ResultSet rs) throws SQLException {
    return new Message(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
        rs.getString(6), rs.getString(7), rs.getLong(8));
  }
}
