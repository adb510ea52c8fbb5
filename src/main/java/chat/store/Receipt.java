package chat.store;

import io.vertx.core.json.JsonObject;

/**
 * A reader's receipt in a conversation: everything up to {@code upTo} (a msgId) was delivered to,
 * or read by, {@code userId}. {@code eventId} names the inbox events announcing it, so a replay
 * of the receipt announces it once.
 */
public record Receipt(String conversationId, String userId, Status status, long upTo, long eventId) {
  public enum Status {
    DELIVERED, READ;

    public String wire() {
      return this == READ ? "read" : "delivered";
    }

    /** Null for anything but "delivered" or "read". */
    public static Status fromWire(String value) {
      return "read".equals(value) ? READ : "delivered".equals(value) ? DELIVERED : null;
    }
  }

  /** The inbox payload announcing it to another participant (without seq). */
  public String eventPayload() {
    return new JsonObject().put("type", "receipt").put("conversation", conversationId).put("from", userId)
        .put("status", status.wire()).put("upTo", Long.toString(upTo)).encode();
  }

  public JsonObject toJson() {
    return new JsonObject().put("conversation", conversationId).put("userId", userId).put("status", status.wire())
        .put("upTo", upTo).put("eventId", eventId);
  }

  public static Receipt fromJson(JsonObject json) {
    return new Receipt(json.getString("conversation"), json.getString("userId"),
        Status.fromWire(json.getString("status")), json.getLong("upTo"), json.getLong("eventId"));
  }
}
