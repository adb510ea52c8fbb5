package chat.store;

/**
 * One event in a user's inbox. {@code seq} is dense per user (1, 2, 3...); {@code eventId} is
 * unique per user (a msgId for message events) and makes appends idempotent; {@code payload} is
 * the JSON object pushed to the client, without its {@code seq}. {@code fresh} is true when this
 * append stored the event, false when it was already there (a replay).
 */
public record InboxEvent(String userId, long seq, long eventId, String payload, boolean fresh) {
  /** An event to append: its seq is assigned by the store. */
  public static InboxEvent pending(String userId, long eventId, String payload) {
    return new InboxEvent(userId, 0, eventId, payload, true);
  }
}
