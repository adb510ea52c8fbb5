package chat.protocol;

import chat.store.Message;
import io.vertx.core.json.JsonObject;

/** Router → gateway: the message is durable, with its id, conversation, timestamp and the sender's own inbox seq. */
public record SendAck(long msgId, String conversationId, long ts, long senderSeq) {

  /** The ack of a stored message. */
  public static SendAck of(Message message, long senderSeq) {
    return new SendAck(message.msgId(), message.conversationId(), message.ts(), senderSeq);
  }

  public JsonObject toJson() {
    return new JsonObject().put("msgId", msgId).put("conversationId", conversationId).put("ts", ts)
        .put("senderSeq", senderSeq);
  }

  public static SendAck fromJson(JsonObject json) {
    return new SendAck(json.getLong("msgId"), json.getString("conversationId"), json.getLong("ts"),
        json.getLong("senderSeq"));
  }
}
