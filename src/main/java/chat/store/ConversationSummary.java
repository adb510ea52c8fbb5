package chat.store;

/** One row of a user's conversation list: the newest message and how many from others are unread. */
public record ConversationSummary(String conversationId, String kind, String peer, Message lastMessage, long unread) {
}
