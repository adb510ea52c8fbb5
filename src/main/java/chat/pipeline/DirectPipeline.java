package chat.pipeline;

import chat.async.KeyedSerializer;
import chat.delivery.LiveDelivery;
import chat.groups.Recipients;
import chat.ids.Snowflake;
import chat.protocol.Frames;
import chat.protocol.SendAck;
import chat.store.ClaimedAppendStore;
import chat.store.InboxEvent;
import chat.store.Message;
import chat.store.Receipt;
import chat.store.Stores;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;

/**
 * The embedded profile's pipeline: the message is expanded to its recipients, and its writes go
 * straight to the store, whose group commit makes them durable together; the ack waits for that.
 * A new message's idempotency claim, history row and inbox events are one write
 * ({@link ClaimedAppendStore}); group system messages, which need no claim, take separate history
 * and inbox writes, both idempotent by msgId.
 */
public final class DirectPipeline implements MessagePipeline, ClaimingPipeline {
  private final Stores stores;
  private final ClaimedAppendStore claimedAppends;
  private final Recipients recipients;
  private final LiveDelivery live;
  private final ReceiptFanout receipts;
  private final KeyedSerializer expansions = new KeyedSerializer();

  public DirectPipeline(Stores stores, ClaimedAppendStore claimedAppends, Recipients recipients, LiveDelivery live) {
    this.stores = stores;
    this.claimedAppends = claimedAppends;
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
  public Future<Void> announce(Message message, List<String> recipients) {
    // In line with the conversation's sends, so its history and seq orders stay one order.
    Promise<Void> stored = Promise.promise();
    expansions.submit(message.conversationId(), () -> {
      store(message, recipients, null).<Void>mapEmpty().onComplete(stored);
      return Future.succeededFuture();
    }).onFailure(stored::tryFail);
    return stored.future();
  }

  @Override
  public Future<SendAck> claimAndSubmit(Message candidate, String idempotencyKey, String originSessionId) {
    Promise<SendAck> acked = Promise.promise();
    String conversationId = candidate.conversationId();
    expansions.submit(conversationId, () -> recipients.ofConversation(conversationId).map(participants -> {
      claimedAppends.claimAndAppend(idempotencyKey, candidate, participants, inboxEvents(candidate, participants))
          .compose(claimed -> claimed.msgId() == candidate.msgId()
              ? Future.succeededFuture(SendAck.of(candidate, deliver(candidate, claimed.appended(), originSessionId)))
              : completeEarlier(candidate, claimed.msgId(), participants, originSessionId))
          .onComplete(acked);
      return null;
    })).onFailure(acked::tryFail);
    return acked.future();
  }

  /**
   * A retried send: the key belongs to an earlier message. Its history and inbox writes are
   * repeated (no-ops, unless a build that claimed in a separate write crashed between the two) and
   * the ack carries its msgId and the sender's seq for it.
   */
  private Future<SendAck> completeEarlier(Message candidate, long msgId, List<String> participants, String originSessionId) {
    Message earlier = new Message(msgId, candidate.conversationId(), candidate.senderId(), candidate.senderDeviceId(),
        candidate.clientId(), candidate.kind(), candidate.body(), Snowflake.timestampOf(msgId));
    return store(earlier, participants, originSessionId).map(senderSeq -> SendAck.of(earlier, senderSeq));
  }

  private Future<Long> store(Message message, List<String> participants, String originSessionId) {
    Future<Message> history = stores.messages().append(message, participants);
    Future<List<InboxEvent>> inbox = stores.inbox().append(inboxEvents(message, participants));
    return Future.all(history, inbox).map(done -> deliver(message, inbox.result(), originSessionId));
  }

  /** Pushes the events appended now (not those a replay found) to live devices; returns the sender's own seq. */
  private long deliver(Message message, List<InboxEvent> events, String originSessionId) {
    long senderSeq = 0;
    for (InboxEvent event : events) {
      if (event.userId().equals(message.senderId())) {
        senderSeq = event.seq();
      }
      if (event.fresh()) {
        live.deliver(event, originSessionId);
      }
    }
    return senderSeq;
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
