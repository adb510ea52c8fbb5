package chat.cluster;

import chat.store.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** A record of the messages topic: the accepted message, who takes part, and the sending session. */
public record MessageRecord(Message message, List<String> participants, String originSessionId) {

  public String encode() {
    Message m = message;
    return new JsonObject().put("msgId", m.msgId()).put("conversation", m.conversationId()).put("from", m.senderId())
        .put("device", m.senderDeviceId()).put("clientId", m.clientId()).put("kind", m.kind()).put("body", m.body())
        .put("ts", m.ts()).put("participants", new JsonArray(participants)).put("origin", originSessionId).encode();
  }

  public static MessageRecord decode(String value) {
    JsonObject json = new JsonObject(value);
    Message message = new Message(json.getLong("msgId"), json.getString("conversation"), json.getString("from"),
        json.getString("device"), json.getString("clientId"), json.getString("kind"), json.getString("body"),
        json.getLong("ts"));
    List<String> participants = json.getJsonArray("participants").stream().map(String.class::cast).toList();
    return new MessageRecord(message, participants, json.getString("origin"));
  }
}
