package chat.cluster;

import chat.store.Receipt;
import io.vertx.core.json.JsonObject;

/**
 * A receipt on the messages topic, keyed by its conversation like the messages, so the fan-out
 * stage applies it in order with them. Encoded as {@code {"receipt":{...}}}: records are written
 * only by {@link KafkaMessageLog}, so the prefix tells a receipt from a message without a second parse.
 */
public final class ReceiptRecord {
  private static final String PREFIX = "{\"receipt\":";

  private ReceiptRecord() {
  }

  public static String encode(Receipt receipt) {
    return new JsonObject().put("receipt", receipt.toJson()).encode();
  }

  public static boolean isReceipt(String value) {
    return value.startsWith(PREFIX);
  }

  public static Receipt decode(String value) {
    return Receipt.fromJson(new JsonObject(value).getJsonObject("receipt"));
  }
}
