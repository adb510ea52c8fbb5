package chat.cluster;

import chat.store.Message;
import io.vertx.core.json.JsonObject;

/** A record of the messages topic: the accepted message and the sending session (the fan-out stage finds its recipients). */
public record MessageRecord(Message message, String originSessionId) {

  public String encode() {
    Message m = message;
    return new JsonObject().put("msgId", m.msgId()).put("conversation", m.conversationId()).put("from", m.senderId())
        .put("device", m.senderDeviceId()).put("clientId", m.clientId()).put("kind", m.kind()).put("body", m.body())
        .put("ts", m.ts()).put("origin", originSessionId).encode();
  }

  public static MessageRecord decode(String value) {
    JsonObject json = new JsonObject(value);
    Message message = new Message(json.getLong("msgId"), json.getString("conversation"), json.getString("from"),
        json.getString("device"), json.getString("clientId"), json.getString("kind"), json.getString("body"),
        json.getLong("ts"));
    return new MessageRecord(message, json.getString("origin"));
  }
}
