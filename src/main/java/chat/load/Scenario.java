package chat.load;

import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/**
 * One kind of load. The tool prepares it (accounts, sockets, seeded data: nothing measured), runs it
 * under a {@link Measurement}, then closes it.
 */
public interface Scenario {
  /** Counter and latency names the send scenarios share, so reports line up across scenarios. */
  String SENT = "sent";
  String ERRORS = "errors";
  String SKIPPED = "skipped";
  String ACK = "ack";
  /**
   * Open loop: how late each send left the tool after its intended time (its pacer's tick, its busy
   * event loops). Every other latency counts from the intended time, so a large lag is the tool's
   * own share of them: the load generator, not the server, is then the bottleneck.
   */
  String SEND_LAG = "send lag";

  /** One line saying what this run does, e.g. "direct, closed loop: 50 pairs, window 10, 100-byte bodies". */
  String description();

  /** The latencies it records, by name. */
  List<String> latencies();

  /** The counters it keeps, by name; the first is the one its throughput is reported by. */
  List<String> counters();

  Future<Void> prepare();

  /** Offers the load; completes when the window is over (or the scenario's own bound is hit) and in-flight work has drained. */
  Future<Void> run(Measurement measurement);

  /** Figures of its own beyond latencies and counts (connect rate, server RSS, ...), for the summary and the result file. */
  Map<String, Object> figures();

  Future<Void> close();
}
