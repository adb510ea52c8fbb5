package chat.pipeline;

import chat.groups.Recipients;
import chat.store.InboxEvent;
import chat.store.Receipt;
import chat.store.Stores;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * The fan-out's handling of a receipt, the same for both profiles: move the reader's watermark
 * forward, bring their unread count down on {@code read}, and answer the inbox events that tell
 * every other participant. A receipt that moves nothing (an equal or lower {@code upTo}) answers no
 * events. It runs where the conversation's messages are fanned out (one writer per conversation),
 * so the unread count it writes cannot race a message being counted.
 */
public final class ReceiptFanout {
  private final Stores stores;
  private final Recipients recipients;

  public ReceiptFanout(Stores stores, Recipients recipients) {
    this.stores = stores;
    this.recipients = recipients;
  }

  public Future<List<InboxEvent>> apply(Receipt receipt) {
    return stores.receipts().of(receipt.conversationId(), receipt.userId()).compose(current -> {
      Long watermark = current.of(receipt.status());
      if (watermark != null && receipt.upTo() <= watermark) {
        return Future.succeededFuture(List.of());
      }
      Future<Void> advanced = stores.receipts().advance(receipt);
      if (receipt.status() == Receipt.Status.READ) {
        advanced = advanced.compose(v -> stores.messages().markRead(receipt.userId(), receipt.conversationId(),
            receipt.upTo()));
      }
      return advanced.compose(v -> recipients.ofConversation(receipt.conversationId())).map(participants -> {
        List<InboxEvent> events = new ArrayList<>(participants.size());
        String payload = receipt.eventPayload();
        for (String user : participants) {
          if (!user.equals(receipt.userId())) {
            events.add(InboxEvent.pending(user, receipt.eventId(), payload));
          }
        }
        return events;
      });
    });
  }
}
