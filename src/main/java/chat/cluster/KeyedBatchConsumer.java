package chat.cluster;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka consumer loop with at-least-once processing and per-key order: it polls a batch, runs
 * the records of each key in offset order (different keys concurrently), and commits the batch's
 * offsets only once all of that has succeeded. On a failure nothing is committed: it seeks back to
 * the start of the batch, waits a little, and tries again, so the work must be idempotent.
 */
public final class KeyedBatchConsumer {
  private static final Logger LOG = LoggerFactory.getLogger(KeyedBatchConsumer.class);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final long RETRY_DELAY_MS = 500;

  private final Vertx vertx;
  private final KafkaConsumer<String, String> consumer;
  private final String topic;
  private final BiFunction<String, List<String>, Future<Void>> processKey;
  private volatile boolean running;

  public KeyedBatchConsumer(Vertx vertx, KafkaConsumer<String, String> consumer, String topic,
                     BiFunction<String, List<String>, Future<Void>> processKey) {
    this.vertx = vertx;
    this.consumer = consumer;
    this.topic = topic;
    this.processKey = processKey;
  }

  /** Subscribes; completes once the subscription is in place, then keeps polling until {@link #stop}. */
  public Future<Void> start() {
    running = true;
    return consumer.subscribe(topic).onSuccess(v -> loop());
  }

  public Future<Void> stop() {
    running = false;
    return consumer.close();
  }

  private void loop() {
    if (!running) {
      return;
    }
    consumer.poll(POLL)
        .compose(records -> records.isEmpty() ? Future.succeededFuture() : process(records))
        .onComplete(ar -> {
          if (ar.failed() && running) {
            LOG.warn("{}: batch failed, will retry: {}", topic, ar.cause().toString());
            vertx.setTimer(RETRY_DELAY_MS, t -> loop());
          } else {
            loop();
          }
        });
  }

  private Future<Void> process(KafkaConsumerRecords<String, String> records) {
    Map<String, List<String>> byKey = new LinkedHashMap<>();
    Map<TopicPartition, Long> first = new HashMap<>();
    Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
    for (int i = 0; i < records.size(); i++) {
      KafkaConsumerRecord<String, String> record = records.recordAt(i);
      byKey.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(record.value());
      TopicPartition partition = new TopicPartition(record.topic(), record.partition());
      first.putIfAbsent(partition, record.offset());
      next.put(partition, new OffsetAndMetadata(record.offset() + 1, null));
    }
    List<Future<Void>> keys = new ArrayList<>(byKey.size());
    byKey.forEach((key, values) -> keys.add(processKey.apply(key, values)));
    return Future.all(keys)
        .compose(done -> consumer.commit(next))
        .<Void>mapEmpty()
        .recover(failure -> rewind(first).transform(v -> Future.failedFuture(failure)));
  }

  /** Moves back to the first record of the failed batch, so it is polled again. */
  private Future<Void> rewind(Map<TopicPartition, Long> first) {
    List<Future<Void>> seeks = new ArrayList<>();
    first.forEach((partition, offset) -> seeks.add(consumer.seek(partition, offset)));
    Promise<Void> done = Promise.promise();
    Future.join(seeks).onComplete(ar -> done.complete()); // a partition we lost meanwhile is the new owner's
    return done.future();
  }
}
