package chat.load;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One latency being measured (ack, end-to-end, page, ...), recorded in microseconds with three
 * significant digits. Writers on any event loop record without locking (HdrHistogram's
 * {@link Recorder}); once a second the measurement takes the interval's histogram for the progress
 * line and the timeline, and adds it to the run's total.
 */
public final class LatencyMetric {
  private final String name;
  private final Recorder recorder = new Recorder(3);
  private final Histogram total = new Histogram(3);
  private Histogram interval;

  public LatencyMetric(String name) {
    this.name = name;
  }

  public String name() {
    return name;
  }

  /** Records the time from {@code startNanos} (System.nanoTime) to {@code endNanos}. */
  public void record(long startNanos, long endNanos) {
    recorder.recordValue(Math.max(0, TimeUnit.NANOSECONDS.toMicros(endNanos - startNanos)));
  }

  /** Adds latencies measured elsewhere (another process of the same run), as if recorded here. */
  public void add(Histogram measured) {
    for (var value : measured.recordedValues()) {
      recorder.recordValueWithCount(value.getValueIteratedTo(), value.getCountAtValueIteratedTo());
    }
  }

  /**
   * Ends the current interval: returns what was recorded since the previous call, and adds it to
   * the total when {@code counted} (false during warm-up, whose values are dropped).
   */
  Histogram endInterval(boolean counted) {
    interval = recorder.getIntervalHistogram(interval);
    if (counted) {
      total.add(interval);
    }
    return interval;
  }

  /** Everything recorded in counted intervals. */
  public Histogram total() {
    return total;
  }

  /** A latency in milliseconds from a histogram of microseconds. */
  static double millis(long micros) {
    return micros / 1000.0;
  }
}
