package chat.protocol;

import io.vertx.core.json.JsonObject;

/**
 * Router → gateways: a durable inbox event (or, with seq 0, a transient frame such as typing) to push to a user's live sessions, except the session
 * that caused it ({@code excludeSessionId}, which got an ack instead). {@code payload} is the
 * frame as JSON without its seq.
 */
public record Delivery(String userId, long seq, String payload, String excludeSessionId) {

  public JsonObject toJson() {
    return new JsonObject().put("userId", userId).put("seq", seq).put("payload", payload)
        .put("excludeSessionId", excludeSessionId);
  }

  public static Delivery fromJson(JsonObject json) {
    return new Delivery(json.getString("userId"), json.getLong("seq"), json.getString("payload"),
        json.getString("excludeSessionId"));
  }

  /** The client frame: the stored payload with its {@code seq}; a transient frame (typing, seq 0) as it is. */
  public String frame() {
    return seq > 0 ? Frames.withSeq(payload, seq) : payload;
  }
}
