package chat.store;

import io.vertx.core.Future;
import java.util.List;

/** Conversation history, newest first by msgId, and each participant's list of conversations. */
public interface MessageStore {
  /**
   * Appends a message and updates every participant's conversation list (the unread count grows
   * for everyone but the sender). Idempotent by (conversation, msgId): when the message is
   * already stored nothing changes and the stored copy is returned.
   */
  Future<Message> append(Message message, List<String> participants);

  /** Up to {@code limit} messages with msgId < {@code beforeMsgId} (all when null), newest first. */
  Future<List<Message>> page(String conversationId, Long beforeMsgId, int limit);

  /** The user's conversations, most recently active first. */
  Future<List<ConversationSummary>> conversations(String userId, int limit);
}
