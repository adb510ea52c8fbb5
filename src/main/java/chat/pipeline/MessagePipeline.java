package chat.pipeline;

import chat.store.Message;
import chat.store.Receipt;
import io.vertx.core.Future;
import java.util.List;

/**
 * Takes an accepted message (its msgId already claimed) the rest of the way: into the
 * conversation's history and every recipient's inbox, then live to their devices. How a sent
 * message enters depends on where its idempotency key is claimed ({@link ClaimingPipeline},
 * {@link ClaimedPipeline}); group system messages and receipts enter here on either profile.
 * Each future completes when no single failure can lose what it carries.
 */
public interface MessagePipeline {
  /**
   * Takes a group's system message to exactly {@code recipients}: the members once its change is
   * stored, and the user the change took out. They are fixed when the change is stored, so a later
   * change stored before this message's fan-out cannot alter who gets it.
   */
  Future<Void> announce(Message message, List<String> recipients);

  /**
   * Takes a receipt to the conversation's fan-out, in order with its messages
   * ({@link ReceiptFanout}); completes when it can no longer be lost.
   */
  Future<Void> submitReceipt(Receipt receipt);
}
