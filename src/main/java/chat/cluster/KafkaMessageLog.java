package chat.cluster;

import chat.Addresses;
import chat.Resource;
import chat.pipeline.ClaimedPipeline;
import chat.pipeline.MessagePipeline;
import chat.store.Message;
import chat.store.Receipt;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.NewTopic;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The cluster profile's pipeline: an accepted message is produced to the Kafka topic
 * {@value Addresses#MESSAGES_TOPIC} keyed by conversation id, and the ack waits for Kafka
 * (acks=all, idempotent producer). From there the fan-out and inbox stages take it on. Creates the
 * topics it and those stages use when they are missing.
 *
 * <p>Topics: {@value Addresses#MESSAGES_TOPIC} (key conversation id, value {@link MessageRecord} or
 * {@link ReceiptRecord}),
 * {@value Addresses#INBOX_TOPIC} (key recipient user id, value {@link InboxRecord}).
 */
public final class KafkaMessageLog implements MessagePipeline, ClaimedPipeline, Resource {
  private final Vertx vertx;
  private final KafkaSettings settings;
  private final String clientId;
  private final String messagesTopic;
  private KafkaProducer<String, String> producer;

  public KafkaMessageLog(Vertx vertx, KafkaSettings settings, String clientId) {
    this.vertx = vertx;
    this.settings = settings;
    this.clientId = clientId;
    this.messagesTopic = settings.named(Addresses.MESSAGES_TOPIC);
  }

  @Override
  public Future<Void> open() {
    return ensureTopics().onSuccess(v -> producer = KafkaProducer.create(vertx, settings.producer(clientId)));
  }

  private Future<Void> ensureTopics() {
    KafkaAdminClient admin = KafkaAdminClient.create(vertx, settings.admin());
    return admin.listTopics().compose(existing -> {
      List<NewTopic> missing = new ArrayList<>();
      addIfMissing(existing, missing, settings.named(Addresses.MESSAGES_TOPIC), settings.messagesPartitions());
      addIfMissing(existing, missing, settings.named(Addresses.INBOX_TOPIC), settings.inboxPartitions());
      // Several nodes may race to create a topic; "already exists" means another one won.
      return missing.isEmpty() ? Future.<Void>succeededFuture() : admin.createTopics(missing)
          .recover(e -> e.getMessage() != null && e.getMessage().contains("already exists")
              ? Future.succeededFuture() : Future.failedFuture(e));
    }).eventually(admin::close);
  }

  private void addIfMissing(Set<String> existing, List<NewTopic> missing, String topic, int partitions) {
    if (!existing.contains(topic)) {
      missing.add(new NewTopic(topic, partitions, settings.replicationFactor()));
    }
  }

  @Override
  public Future<Long> submit(Message message, String originSessionId) {
    return produce(message.conversationId(), new MessageRecord(message, originSessionId, null).encode())
        .map(metadata -> 0L); // the sender's seq is assigned later, by the inbox stage
  }

  @Override
  public Future<Void> announce(Message message, List<String> recipients) {
    return produce(message.conversationId(), new MessageRecord(message, null, recipients).encode()).mapEmpty();
  }

  @Override
  public Future<Void> submitReceipt(Receipt receipt) {
    return produce(receipt.conversationId(), ReceiptRecord.encode(receipt)).mapEmpty();
  }

  /** One record of the messages topic, keyed by its conversation so the conversation keeps one order. */
  private Future<?> produce(String conversationId, String value) {
    return producer.send(KafkaProducerRecord.create(messagesTopic, conversationId, value));
  }

  @Override
  public Future<Void> close() {
    return producer == null ? Future.succeededFuture() : producer.close();
  }
}
