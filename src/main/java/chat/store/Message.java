package chat.store;

/**
 * One stored chat message. {@code msgId} is a Snowflake id (time-ordered, unique); {@code ts} is
 * the millisecond it was accepted; {@code clientId} is the sender's own id for the send.
 */
public record Message(long msgId, String conversationId, String senderId, String senderDeviceId, String clientId,
                      String kind, String body, long ts) {
}
