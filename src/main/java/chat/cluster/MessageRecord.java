package chat.cluster;

import chat.store.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A record of the messages topic: the accepted message and the sending session. A sent message's
 * recipients are found by the fan-out stage ({@code recipients} null); a group's system message
 * carries them, fixed when its change was stored.
 */
public record MessageRecord(Message message, String originSessionId, List<String> recipients) {

  public String encode() {
    Message m = message;
    JsonObject json = new JsonObject().put("msgId", m.msgId()).put("conversation", m.conversationId())
        .put("from", m.senderId()).put("device", m.senderDeviceId()).put("clientId", m.clientId()).put("kind", m.kind())
        .put("body", m.body()).put("ts", m.ts()).put("origin", originSessionId);
    return (recipients == null ? json : json.put("to", new JsonArray(recipients))).encode();
  }

  public static MessageRecord decode(String value) {
    JsonObject json = new JsonObject(value);
    Message message = new Message(json.getLong("msgId"), json.getString("conversation"), json.getString("from"),
        json.getString("device"), json.getString("clientId"), json.getString("kind"), json.getString("body"),
        json.getLong("ts"));
    JsonArray to = json.getJsonArray("to");
    List<String> recipients = to == null ? null : to.stream().map(String.class::cast).toList();
    return new MessageRecord(message, json.getString("origin"), recipients);
  }
}
