package chat.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LatencyBookkeepingTest {
  private static final long MS = 1_000_000L;

  @Test
  @DisplayName("Latencies recorded during warm-up are dropped; those of counted intervals add up to the total")
  void warmupDropped() {
    LatencyMetric metric = new LatencyMetric("ack");
    metric.record(0, 500 * MS); // a cold-JIT outlier in warm-up
    assertThat(metric.endInterval(false).getTotalCount()).isEqualTo(1);
    metric.record(0, 2 * MS);
    metric.record(0, 4 * MS);
    Histogram interval = metric.endInterval(true);
    assertThat(interval.getTotalCount()).isEqualTo(2);
    metric.record(0, 3 * MS);
    metric.endInterval(true);
    assertThat(metric.total().getTotalCount()).isEqualTo(3);
    assertThat(LatencyMetric.millis(metric.total().getMaxValue())).isCloseTo(4.0, within(0.01));
  }

  @Test
  @DisplayName("Latencies are kept in microseconds to three significant digits, and a clock that ran backwards counts as zero")
  void resolution() {
    LatencyMetric metric = new LatencyMetric("e2e");
    metric.record(0, 1_234_567);
    metric.record(10, 5);
    Histogram total = metric.endInterval(true);
    assertThat(total.getMaxValue()).isBetween(1233L, 1236L);
    assertThat(total.getMinValue()).isZero();
  }

  @Test
  @DisplayName("A histogram written to the result file reads back the same, and another process's histogram merges in")
  void encodeAndMerge() {
    LatencyMetric child = new LatencyMetric("connect");
    for (int i = 1; i <= 1000; i++) {
      child.record(0, i * MS / 10);
    }
    Histogram sent = child.endInterval(true);
    Histogram received = RunResult.decode(RunResult.encode(sent));
    assertThat(received).isEqualTo(sent);
    LatencyMetric parent = new LatencyMetric("connect");
    parent.record(0, 200 * MS);
    parent.add(received);
    Histogram merged = parent.endInterval(true);
    assertThat(merged.getTotalCount()).isEqualTo(1001);
    assertThat(merged.getValueAtPercentile(50)).isBetween(49_900L, 50_200L); // three significant digits
  }

  @Test
  @DisplayName("The result file reports counts, rates over the window, percentiles in ms and the timeline")
  void resultJson() {
    Histogram h = new Histogram(3);
    for (int i = 1; i <= 100; i++) {
      h.recordValue(i * 1000L);
    }
    Measurement.Totals totals = new Measurement.Totals(2.0, Map.of("delivered", 5000L), Map.of("end-to-end", h),
        List.of(new Measurement.Tick(1, Map.of("delivered", 2500L), Map.of("end-to-end", 99_000L))));
    RunResult result = new RunResult("direct", "direct test", "http://127.0.0.1:1", java.time.Instant.EPOCH,
        Map.of("pairs", 1L), totals, Map.of());
    var json = result.toJson();
    assertThat(json.getJsonObject("counts").getJsonObject("delivered").getDouble("perSecond")).isEqualTo(2500.0);
    var e2e = json.getJsonObject("latenciesMs").getJsonObject("end-to-end");
    assertThat(e2e.getDouble("p50")).isCloseTo(50.0, within(0.1)); // three significant digits
    assertThat(e2e.getDouble("p99")).isCloseTo(99.0, within(0.1));
    assertThat(e2e.getDouble("max")).isCloseTo(100.0, within(0.1));
    assertThat(json.getJsonArray("timeline").getJsonObject(0).getJsonObject("p99Ms").getDouble("end-to-end"))
        .isEqualTo(99.0);
    assertThat(result.summary()).contains("delivered", "end-to-end", "p99.9");
    String html = HtmlReport.render(result);
    assertThat(html).contains("<svg", "Latency by percentile", "Throughput per second").doesNotContain("<script");
  }

  @Test
  @DisplayName("Chart axes end on 1, 2 or 5 times a power of ten")
  void niceAxes() {
    assertThat(HtmlReport.niceCeiling(0.7)).isEqualTo(1.0);
    assertThat(HtmlReport.niceCeiling(13)).isEqualTo(20.0);
    assertThat(HtmlReport.niceCeiling(3100)).isEqualTo(5000.0);
    assertThat(HtmlReport.niceCeiling(0)).isEqualTo(1.0);
  }
}
