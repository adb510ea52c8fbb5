package chat.load;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * The clock of one run: a warm-up whose figures are dropped, then a measured window. Once a second it
 * closes an interval of every latency and counter, prints a progress line and, inside the window,
 * appends the interval to the timeline. Scenarios record from any thread.
 *
 * <p>The window ends when the scenario stops offering load ({@link #endWindow}); rates are taken over
 * the window. Latencies of requests still in flight then are recorded until {@link #finish}, so a
 * slow tail is not cut off by the end of the run.
 */
public final class Measurement {
  /** One second of the measured window. */
  public record Tick(int second, Map<String, Long> counts, Map<String, Long> p99Micros) {
  }

  /** What the run measured. */
  public record Totals(double windowSeconds, Map<String, Long> counts, Map<String, Histogram> latencies,
                       List<Tick> timeline) {
    public double rate(String counter) {
      return windowSeconds > 0 ? counts.getOrDefault(counter, 0L) / windowSeconds : 0;
    }
  }

  private final Vertx vertx;
  private final PrintStream progress;
  private final Map<String, LatencyMetric> latencies = new LinkedHashMap<>();
  private final Map<String, LongAdder> counters = new LinkedHashMap<>();
  private final Map<String, Long> lastSeen = new LinkedHashMap<>();
  private final Map<String, Long> atWindowStart = new LinkedHashMap<>();
  private final Map<String, Long> atWindowEnd = new LinkedHashMap<>();
  private final List<Tick> timeline = new ArrayList<>();
  private final Promise<Void> windowOpened = Promise.promise();
  private long warmupTicks;
  private long startNanos;
  private long windowStartNanos;
  private long windowEndNanos;
  private long timerId = -1;
  private int second;

  public Measurement(Vertx vertx, PrintStream progress, List<String> latencyNames, List<String> counterNames) {
    this.vertx = vertx;
    this.progress = progress;
    latencyNames.forEach(name -> latencies.put(name, new LatencyMetric(name)));
    counterNames.forEach(name -> {
      counters.put(name, new LongAdder());
      lastSeen.put(name, 0L);
    });
  }

  public LatencyMetric latency(String name) {
    LatencyMetric metric = latencies.get(name);
    if (metric == null) {
      throw new IllegalArgumentException("no latency named " + name);
    }
    return metric;
  }

  public LongAdder counter(String name) {
    LongAdder counter = counters.get(name);
    if (counter == null) {
      throw new IllegalArgumentException("no counter named " + name);
    }
    return counter;
  }

  /** Starts the clock; the window opens after {@code warmup} (rounded up to whole seconds). */
  public void start(Duration warmup) {
    warmupTicks = (warmup.toMillis() + 999) / 1000;
    startNanos = System.nanoTime();
    if (warmupTicks == 0) {
      openWindow();
    }
    timerId = vertx.setPeriodic(1000, id -> tick());
  }

  /** Completes once the window has been open for {@code duration} (at most; a caller may end it earlier). */
  public Future<Void> windowOf(Duration duration) {
    Promise<Void> elapsed = Promise.promise();
    long warmupMs = warmupTicks * 1000;
    vertx.setTimer(Math.max(1, warmupMs + duration.toMillis()), id -> elapsed.tryComplete());
    return elapsed.future();
  }

  /** Completes when the warm-up is over and the measured window opens. */
  public Future<Void> windowOpened() {
    return windowOpened.future();
  }

  /** Ends the measured window: rates are taken up to here. */
  public synchronized void endWindow() {
    if (windowEndNanos == 0) {
      if (windowStartNanos == 0) {
        openWindow(); // the run ended during warm-up: an empty window
      }
      windowEndNanos = System.nanoTime();
      counters.forEach((name, counter) -> atWindowEnd.put(name, counter.sum()));
    }
  }

  /** Stops the clock and returns the run's figures. */
  public synchronized Totals finish() {
    endWindow();
    vertx.cancelTimer(timerId);
    Map<String, Histogram> totals = new LinkedHashMap<>();
    latencies.forEach((name, metric) -> {
      metric.endInterval(true);
      totals.put(name, metric.total());
    });
    Map<String, Long> counts = new LinkedHashMap<>();
    counters.keySet().forEach(name -> counts.put(name, atWindowEnd.get(name) - atWindowStart.get(name)));
    return new Totals((windowEndNanos - windowStartNanos) / 1e9, counts, totals, List.copyOf(timeline));
  }

  private synchronized void openWindow() {
    windowStartNanos = System.nanoTime();
    counters.forEach((name, counter) -> atWindowStart.put(name, counter.sum()));
    windowOpened.tryComplete();
  }

  private synchronized void tick() {
    second++;
    boolean counted = second > warmupTicks && windowEndNanos == 0;
    Map<String, Long> counts = new LinkedHashMap<>();
    counters.forEach((name, counter) -> {
      long now = counter.sum();
      counts.put(name, now - lastSeen.put(name, now));
    });
    Map<String, Long> p99 = new LinkedHashMap<>();
    latencies.forEach((name, metric) -> {
      Histogram interval = metric.endInterval(second > warmupTicks);
      p99.put(name, interval.getTotalCount() == 0 ? -1 : interval.getValueAtPercentile(99));
    });
    if (second == warmupTicks) {
      openWindow();
    }
    if (counted) {
      timeline.add(new Tick(timeline.size() + 1, counts, p99));
    }
    progress.println(progressLine(counts, p99));
  }

  private String progressLine(Map<String, Long> counts, Map<String, Long> p99) {
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%5ds %-8s",
        (System.nanoTime() - startNanos) / 1_000_000_000L, second <= warmupTicks ? "warm-up" : ""));
    counts.forEach((name, perSecond) -> line.append(String.format(Locale.ROOT, "  %s %,d (%,d/s)",
        name, counters.get(name).sum(), perSecond)));
    p99.forEach((name, micros) -> line.append(micros < 0 ? String.format(Locale.ROOT, "  %s p99 -", name)
        : String.format(Locale.ROOT, "  %s p99 %.2f ms", name, LatencyMetric.millis(micros))));
    return line.toString();
  }
}
