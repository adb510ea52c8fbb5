package chat.verticles;

import chat.Addresses;
import chat.cluster.InboxRecord;
import chat.cluster.KafkaSettings;
import chat.cluster.KeyedBatchConsumer;
import chat.cluster.MessageRecord;
import chat.cluster.ReceiptRecord;
import chat.groups.Recipients;
import chat.pipeline.DirectPipeline;
import chat.pipeline.ReceiptFanout;
import chat.store.InboxEvent;
import chat.store.MessageStore;
import chat.store.Receipt;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * Cluster profile, fan-out stage: consumes {@value Addresses#MESSAGES_TOPIC} (consumer group
 * {@value Addresses#FANOUT_GROUP}), expands each message to its recipients ({@link Recipients}: the
 * two people of a direct chat, the members of a group; those a system message carries), writes it
 * to history and produces one record per recipient to {@value Addresses#INBOX_TOPIC}, keyed by
 * that user. A receipt record
 * ({@link ReceiptFanout}) moves its watermark and sends its events the same way. Offsets are committed only
 * after both; a replay rewrites the same history row (idempotent by msgId) and re-produces inbox
 * records that the inbox stage recognises by event id.
 *
 * <p>A conversation's messages live in one partition, so one consumer handles them in order: the
 * history write of a conversation has a single writer, and every inbox sees them in msgId order.
 */
public final class FanoutVerticle extends VerticleBase {
  private final MessageStore messages;
  private final Recipients recipients;
  private final ReceiptFanout receipts;
  private final KafkaSettings kafka;
  private final String nodeId;
  private String inboxTopic;
  private KafkaProducer<String, String> producer;
  private KeyedBatchConsumer loop;

  public FanoutVerticle(MessageStore messages, Recipients recipients, ReceiptFanout receipts, KafkaSettings kafka,
                        String nodeId) {
    this.messages = messages;
    this.recipients = recipients;
    this.receipts = receipts;
    this.kafka = kafka;
    this.nodeId = nodeId;
  }

  @Override
  public Future<?> start() {
    inboxTopic = kafka.named(Addresses.INBOX_TOPIC);
    producer = KafkaProducer.create(vertx, kafka.producer("fanout-" + nodeId));
    loop = new KeyedBatchConsumer(vertx, KafkaConsumer.create(vertx, kafka.consumer(Addresses.FANOUT_GROUP,
        "fanout-" + nodeId)), kafka.named(Addresses.MESSAGES_TOPIC), this::fanOutConversation);
    return loop.start();
  }

  /** The records of one conversation, strictly one after another. */
  private Future<Void> fanOutConversation(String conversationId, List<String> values) {
    Future<Void> chain = Future.succeededFuture();
    for (String value : values) {
      chain = chain.compose(v -> ReceiptRecord.isReceipt(value) ? announce(ReceiptRecord.decode(value))
          : fanOut(MessageRecord.decode(value)));
    }
    return chain;
  }

  private Future<Void> fanOut(MessageRecord record) {
    String conversationId = record.message().conversationId();
    Future<List<String>> participants = record.recipients() == null ? recipients.ofConversation(conversationId)
        : recipients.ofAnnouncement(conversationId, record.recipients());
    return participants.compose(users -> fanOut(record, users));
  }

  private Future<Void> fanOut(MessageRecord record, List<String> participants) {
    return messages.append(record.message(), participants)
        .compose(stored -> toInboxes(DirectPipeline.inboxEvents(record.message(), participants), record.originSessionId()));
  }

  /** A receipt moves its watermark and is announced to the other participants' inboxes. */
  private Future<Void> announce(Receipt receipt) {
    return receipts.apply(receipt).compose(events -> toInboxes(events, null));
  }

  private Future<Void> toInboxes(List<InboxEvent> events, String originSessionId) {
    List<Future<?>> sends = new ArrayList<>(events.size());
    for (InboxEvent event : events) {
      sends.add(producer.send(KafkaProducerRecord.create(inboxTopic, event.userId(),
          new InboxRecord(event, originSessionId).encode())));
    }
    return Future.all(sends).mapEmpty();
  }

  @Override
  public Future<?> stop() {
    return Future.join(loop.stop(), producer.close());
  }
}
