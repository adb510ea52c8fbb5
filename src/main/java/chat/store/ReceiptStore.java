package chat.store;

import io.vertx.core.Future;
import java.util.List;

/**
 * Each participant's delivered and read watermarks (msgIds) per conversation. Watermarks only
 * move forward: advancing to a lower msgId changes nothing, whatever the order writes arrive in.
 */
public interface ReceiptStore {
  /** One participant's watermarks; null where nothing was acknowledged yet. */
  record Watermarks(String userId, Long delivered, Long read) {
    public Long of(Receipt.Status status) {
      return status == Receipt.Status.READ ? read : delivered;
    }
  }

  /** Moves the watermark of the receipt's status to at least its upTo; read moves delivered too. */
  Future<Void> advance(Receipt receipt);

  /** The watermarks of one participant (nulls when none). */
  Future<Watermarks> of(String conversationId, String userId);

  /** The watermarks of every participant who has any. */
  Future<List<Watermarks>> all(String conversationId);
}
