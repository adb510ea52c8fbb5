package chat.cluster;

import chat.store.InboxEvent;
import io.vertx.core.json.JsonObject;

/** A record of the inbox topic: one event for one user, seq not yet assigned, and the sending session. */
public record InboxRecord(InboxEvent event, String originSessionId) {

  public String encode() {
    return new JsonObject().put("userId", event.userId()).put("eventId", event.eventId())
        .put("payload", event.payload()).put("origin", originSessionId).encode();
  }

  public static InboxRecord decode(String value) {
    JsonObject json = new JsonObject(value);
    return new InboxRecord(InboxEvent.pending(json.getString("userId"), json.getLong("eventId"),
        json.getString("payload")), json.getString("origin"));
  }
}
