package chat.store;

import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

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

  /** The stored message with this id in this conversation, if any. */
  Future<Optional<Message>> find(String conversationId, long msgId);

  /**
   * The user has read the conversation up to {@code upTo}: their unread count becomes the number of
   * messages from others after it (system messages not counted). Reading up to the newest message
   * (the usual case) sets it to 0 without counting; otherwise only the unread tail is counted.
   */
  Future<Void> markRead(String userId, String conversationId, long upTo);

  /** The user's conversations, most recently active first. */
  Future<List<ConversationSummary>> conversations(String userId, int limit);
}
