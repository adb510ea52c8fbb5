package chat.pipeline;

import chat.store.Message;
import chat.store.Receipt;
import io.vertx.core.Future;

/**
 * Takes an accepted message (its msgId already claimed) the rest of the way: expanded to its
 * recipients ({@code Recipients}), into the conversation's history and every recipient's inbox,
 * then live to their devices.
 * The future completes when no single failure can lose the message any more; that is when the
 * sender gets its ack.
 */
public interface MessagePipeline {
  /**
   * @param originSessionId the sending session, which gets the ack rather than a live copy
   * @return the sender's own inbox seq for the message when it is already known, else 0
   */
  Future<Long> submit(Message message, String originSessionId);

  /**
   * Takes a receipt to the conversation's fan-out, in order with its messages
   * ({@link ReceiptFanout}); completes when it can no longer be lost.
   */
  Future<Void> submitReceipt(Receipt receipt);
}
