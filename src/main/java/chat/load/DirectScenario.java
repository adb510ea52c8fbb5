package chat.load;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code direct}: P sender → recipient pairs of one-to-one conversations. Reports delivered messages
 * per second, ack latency (send → {@code ack}) and end-to-end latency (send → the recipient's pushed
 * {@code message} frame).
 */
public final class DirectScenario implements Scenario {
  static final String DELIVERED = "delivered";
  static final String END_TO_END = "end-to-end";

  private final Vertx vertx;
  private final WireClient client;
  private final int pairs;
  private final LoadShape shape;
  private final List<LoadSocket> senders = new ArrayList<>();
  private final List<String> recipientIds = new ArrayList<>();
  private final List<LoadSocket> recipients = new ArrayList<>();
  private final Map<String, Long> errorCodes = new java.util.concurrent.ConcurrentHashMap<>();
  private SendLoop loop;

  public DirectScenario(Vertx vertx, WireClient client, Params params) {
    this.vertx = vertx;
    this.client = client;
    this.pairs = params.integer("pairs", 50);
    this.shape = LoadShape.from(params, 10, 20_000_000);
  }

  @Override
  public String description() {
    return String.format(Locale.ROOT, "direct, %s: %d pairs, %d-character bodies", shape.describe(), pairs,
        shape.size());
  }

  @Override
  public List<String> latencies() {
    return shape.latencies(ACK, END_TO_END);
  }

  @Override
  public List<String> counters() {
    return List.of(DELIVERED, SENT, ERRORS, SKIPPED);
  }

  @Override
  public Future<Void> prepare() {
    return client.newAccounts(2 * pairs, 16)
        .compose(accounts -> client.connectAll(accounts, 64).map(sockets -> {
          for (int i = 0; i < pairs; i++) {
            senders.add(sockets.get(2 * i));
            recipients.add(sockets.get(2 * i + 1));
            recipientIds.add(accounts.get(2 * i + 1).userId());
          }
          return null;
        }));
  }

  @Override
  public Future<Void> run(Measurement m) {
    LatencyMetric ack = m.latency(ACK);
    LatencyMetric endToEnd = m.latency(END_TO_END);
    var delivered = m.counter(DELIVERED);
    var errors = m.counter(ERRORS);
    loop = shape.loop(vertx, pairs, 1000, (slot, message, start) -> {
      String id = Stamp.id(slot, message, start);
      senders.get(slot).send(new JsonObject().put("type", "send").put("id", id).put("to", recipientIds.get(slot))
          .put("kind", "text").put("body", Stamp.body(id, shape.size())));
    }, m, SENT, SKIPPED);
    for (int i = 0; i < pairs; i++) {
      int slot = i;
      senders.get(i).onFrame(frame -> {
        switch (String.valueOf(frame.getString("type"))) {
          case "ack" -> {
            ack.record(Stamp.startOfId(frame.getString("id")), System.nanoTime());
            loop.completed(slot);
          }
          case "error" -> {
            errors.increment();
            errorCodes.merge(frame.getString("code"), 1L, Long::sum);
            if (frame.getString("ref") != null) {
              loop.completed(slot);
            }
          }
          default -> { }
        }
      });
      recipients.get(i).onFrame(frame -> {
        if ("message".equals(frame.getString("type"))) {
          endToEnd.record(Stamp.startOfId(Stamp.idOfBody(frame.getString("body"))), System.nanoTime());
          delivered.increment();
        }
      });
    }
    return loop.run(m, shape.warmup(), shape.duration(), shape.drain());
  }

  @Override
  public Map<String, Object> figures() {
    Map<String, Object> figures = new LinkedHashMap<>();
    if (loop != null) {
      figures.put("unanswered", loop.inFlight());
    }
    if (!errorCodes.isEmpty()) {
      figures.put("error codes", new LinkedHashMap<>(errorCodes).toString());
    }
    return figures;
  }

  @Override
  public Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    senders.forEach(s -> closing.add(s.close()));
    recipients.forEach(s -> closing.add(s.close()));
    return Future.join(closing).mapEmpty();
  }
}
