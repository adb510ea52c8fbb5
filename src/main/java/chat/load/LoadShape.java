package chat.load;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The load a sending scenario offers, from its parameters: closed loop ({@code --window W} in flight
 * per sender) or open loop ({@code --rate R} per second over all senders), body size, message bound,
 * warm-up, measured duration and drain.
 */
record LoadShape(int window, long rate, int size, long maxMessages, Duration warmup, Duration duration,
                 Duration drain) {

  static LoadShape from(Params params, int defaultWindow, long defaultMaxMessages) {
    return new LoadShape(params.integer("window", defaultWindow), params.number("rate", 0), params.integer("size", 100),
        params.number("max-messages", defaultMaxMessages), params.duration("warmup", Duration.ofSeconds(10)),
        params.duration("duration", Duration.ofSeconds(30)), params.duration("drain", Duration.ofSeconds(10)));
  }

  /** A send loop of this shape over {@code senders}; an open loop records its send lag. */
  SendLoop loop(Vertx vertx, int senders, int maxInFlight, SendLoop.Sender sender, Measurement m,
                String sentCounter, String skippedCounter) {
    SendLoop loop = new SendLoop(vertx, senders, window, rate, maxMessages, Math.max(window, maxInFlight), sender,
        m.counter(sentCounter), m.counter(skippedCounter));
    if (rate > 0) {
      loop.recordLag(m.latency(Scenario.SEND_LAG));
    }
    return loop;
  }

  /** A scenario's latencies, with the send lag after them in an open loop. */
  List<String> latencies(String... measured) {
    List<String> names = new ArrayList<>(List.of(measured));
    if (rate > 0) {
      names.add(Scenario.SEND_LAG);
    }
    return names;
  }

  String describe() {
    return rate > 0 ? String.format(Locale.ROOT, "open loop at %,d msgs/s", rate) : "closed loop, window " + window;
  }
}
