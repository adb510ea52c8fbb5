package chat.pipeline;

import chat.async.KeyedSerializer;
import chat.delivery.LiveDelivery;
import chat.groups.Recipients;
import chat.protocol.Frames;
import chat.store.InboxEvent;
import chat.store.Message;
import chat.store.Receipt;
import chat.store.Stores;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;

/**
 * The embedded profile's pipeline: the message is expanded to its recipients, and history and
 * inbox writes go straight to the store, whose group commit makes them durable together; the ack
 * waits for both. Both writes are idempotent by msgId, so a retry after a crash between them
 * completes the set.
 */
public final class DirectPipeline implements MessagePipeline {
  private final Stores stores;
  private final Recipients recipients;
  private final LiveDelivery live;
  private final ReceiptFanout receipts;
  private final KeyedSerializer expansions = new KeyedSerializer();

  public DirectPipeline(Stores stores, Recipients recipients, LiveDelivery live) {
    this.stores = stores;
    this.recipients = recipients;
    this.live = live;
    this.receipts = new ReceiptFanout(stores, recipients);
  }

  @Override
  public Future<Void> submitReceipt(Receipt receipt) {
    Promise<Void> stored = Promise.promise();
    expansions.submit(receipt.conversationId(), () -> receipts.apply(receipt).map(events -> {
      stores.inbox().append(events).onSuccess(appended -> appended.stream().filter(InboxEvent::fresh)
          .forEach(event -> live.deliver(event, null))).<Void>mapEmpty().onComplete(stored);
      return null;
    })).onFailure(stored::tryFail);
    return stored.future();
  }

  @Override
  public Future<Long> submit(Message message, String originSessionId) {
    // The expansion may wait on a store read (a group missing from the cache); the writes of one
    // conversation must still be issued in submission order, or seq order would differ from it.
    Promise<Long> acked = Promise.promise();
    expansions.submit(message.conversationId(), () -> recipients.of(message).map(participants -> {
      store(message, participants, originSessionId).onComplete(acked);
      return null;
    })).onFailure(acked::tryFail);
    return acked.future();
  }

  private Future<Long> store(Message message, List<String> participants, String originSessionId) {
    Future<Message> history = stores.messages().append(message, participants);
    Future<List<InboxEvent>> inbox = stores.inbox().append(inboxEvents(message, participants));
    return Future.all(history, inbox).map(done -> {
      long senderSeq = 0;
      for (InboxEvent event : inbox.result()) {
        if (event.userId().equals(message.senderId())) {
          senderSeq = event.seq();
        }
        if (event.fresh()) {
          live.deliver(event, originSessionId);
        }
      }
      return senderSeq;
    });
  }

  /** One message event per participant, sharing one encoded payload; the sender's own copy carries the client id. */
  public static List<InboxEvent> inboxEvents(Message message, List<String> participants) {
    String payload = Frames.messageEvent(message);
    List<InboxEvent> events = new ArrayList<>(participants.size());
    for (String user : participants) {
      boolean sender = user.equals(message.senderId());
      events.add(InboxEvent.pending(user, message.msgId(), sender ? Frames.withClientId(payload, message.clientId()) : payload));
    }
    return events;
  }
}
