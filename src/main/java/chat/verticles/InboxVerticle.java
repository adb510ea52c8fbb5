package chat.verticles;

import chat.Addresses;
import chat.cluster.InboxRecord;
import chat.cluster.KafkaSettings;
import chat.cluster.KeyedBatchConsumer;
import chat.delivery.LiveDelivery;
import chat.store.InboxEvent;
import chat.store.InboxStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import java.util.ArrayList;
import java.util.List;

/**
 * Cluster profile, inbox stage: consumes {@value Addresses#INBOX_TOPIC} (consumer group
 * {@value Addresses#INBOX_GROUP}). The consumer that owns a user's partition is the single writer
 * of that user's inbox: it assigns the dense seq, stores the event, then pushes it live. A replayed
 * event is recognised by its event id, keeps its seq and is pushed again. After a rebalance the cached seqs are
 * dropped, so a new owner continues each user's seq from the store.
 */
public final class InboxVerticle extends VerticleBase {
  private final InboxStore inbox;
  private final LiveDelivery live;
  private final KafkaSettings kafka;
  private final String nodeId;
  private KeyedBatchConsumer loop;

  public InboxVerticle(InboxStore inbox, LiveDelivery live, KafkaSettings kafka, String nodeId) {
    this.inbox = inbox;
    this.live = live;
    this.kafka = kafka;
    this.nodeId = nodeId;
  }

  @Override
  public Future<?> start() {
    KafkaConsumer<String, String> consumer = KafkaConsumer.create(vertx,
        kafka.consumer(Addresses.INBOX_GROUP, "inbox-" + nodeId));
    consumer.partitionsAssignedHandler(partitions -> inbox.forgetCachedSeqs());
    consumer.partitionsRevokedHandler(partitions -> inbox.forgetCachedSeqs());
    loop = new KeyedBatchConsumer(vertx, consumer, kafka.named(Addresses.INBOX_TOPIC), this::storeAndDeliver);
    return loop.start();
  }

  /** One user's records of a batch: appended in one call (seqs in offset order), then pushed live. */
  private Future<Void> storeAndDeliver(String userId, List<String> values) {
    List<InboxRecord> records = values.stream().map(InboxRecord::decode).toList();
    List<InboxEvent> events = new ArrayList<>(records.size());
    records.forEach(r -> events.add(r.event()));
    return inbox.append(events).map(stored -> {
      // Replays are pushed too: an event stored by an attempt that failed half-way was never pushed,
      // and a device that already has it ignores the repeated seq.
      for (int i = 0; i < stored.size(); i++) {
        live.deliver(stored.get(i), records.get(i).originSessionId());
      }
      return null;
    });
  }

  @Override
  public Future<?> stop() {
    return loop.stop();
  }
}
