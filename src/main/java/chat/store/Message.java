package chat.store;

/**
 * One stored chat message. {@code msgId} is a Snowflake id (time-ordered, unique); {@code ts} is
 * the millisecond it was accepted; {@code clientId} is the sender's own id for the send (null for
 * system messages, which have no device either).
 */
public record Message(long msgId, String conversationId, String senderId, String senderDeviceId, String clientId,
                      String kind, String body, long ts) {
  /** The kind of a group's membership announcements; their body is the event as JSON. */
  public static final String SYSTEM_KIND = "system";

  /** Unread counts grow by messages from others; system messages do not count. */
  public static boolean countsAsUnreadFor(Message message, String userId) {
    return !userId.equals(message.senderId()) && !SYSTEM_KIND.equals(message.kind());
  }
}
