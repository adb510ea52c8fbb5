package chat.load;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** What one run measured, as a summary table for the terminal and as the JSON result file. */
public record RunResult(String scenario, String description, String url, Instant startedAt,
                        Map<String, Object> params, Measurement.Totals totals, Map<String, Object> figures) {

  /** The percentiles every latency is reported at. */
  static final double[] PERCENTILES = {50, 90, 99, 99.9};

  public String summary() {
    StringBuilder out = new StringBuilder();
    out.append(description).append('\n');
    out.append(String.format(Locale.ROOT, "measured %.1f s against %s%n", totals.windowSeconds(), url));
    totals.counts().forEach((name, count) -> out.append(String.format(Locale.ROOT, "  %-16s %,12d  %,12.0f/s%n",
        name, count, totals.rate(name))));
    figures.forEach((name, value) -> out.append(String.format(Locale.ROOT, "  %-16s %s%n", name + ":", value)));
    if (!totals.latencies().isEmpty()) {
      out.append(String.format(Locale.ROOT, "  %-16s %10s %9s %9s %9s %9s %9s%n", "latency (ms)", "count",
          "p50", "p90", "p99", "p99.9", "max"));
      totals.latencies().forEach((name, h) -> {
        out.append(String.format(Locale.ROOT, "  %-16s %,10d", name, h.getTotalCount()));
        for (double p : PERCENTILES) {
          out.append(String.format(Locale.ROOT, " %9.2f", millisAt(h, p)));
        }
        out.append(String.format(Locale.ROOT, " %9.2f%n", LatencyMetric.millis(h.getMaxValue())));
      });
    }
    return out.toString();
  }

  public JsonObject toJson() {
    JsonObject counts = new JsonObject();
    totals.counts().forEach((name, count) -> counts.put(name, new JsonObject().put("count", count)
        .put("perSecond", Math.round(totals.rate(name) * 10) / 10.0)));
    JsonObject latencies = new JsonObject();
    totals.latencies().forEach((name, h) -> latencies.put(name, latencyJson(h)));
    JsonArray timeline = new JsonArray();
    totals.timeline().forEach(tick -> {
      JsonObject p99 = new JsonObject();
      tick.p99Micros().forEach((name, micros) -> p99.put(name, micros < 0 ? null : LatencyMetric.millis(micros)));
      timeline.add(new JsonObject().put("second", tick.second()).put("counts", new JsonObject(new LinkedHashMap<>(tick.counts())))
          .put("p99Ms", p99));
    });
    return new JsonObject().put("scenario", scenario).put("description", description).put("url", url)
        .put("startedAt", startedAt.toString()).put("params", new JsonObject(new LinkedHashMap<>(params)))
        .put("windowSeconds", Math.round(totals.windowSeconds() * 1000) / 1000.0)
        .put("counts", counts).put("latenciesMs", latencies)
        .put("figures", new JsonObject(new LinkedHashMap<>(figures))).put("timeline", timeline);
  }

  static JsonObject latencyJson(Histogram h) {
    JsonObject json = new JsonObject().put("count", h.getTotalCount());
    for (double p : PERCENTILES) {
      json.put("p" + (p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p)), millisAt(h, p));
    }
    return json.put("max", LatencyMetric.millis(h.getMaxValue())).put("mean", Math.round(h.getMean()) / 1000.0)
        .put("hdrHistogramMicros", encode(h));
  }

  static double millisAt(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? 0 : LatencyMetric.millis(h.getValueAtPercentile(percentile));
  }

  /** The histogram in HdrHistogram's compressed form, base64: merge or re-plot it later with HdrHistogram's tools. */
  static String encode(Histogram h) {
    ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int length = h.encodeIntoCompressedByteBuffer(buffer);
    return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length));
  }

  static Histogram decode(String base64) {
    try {
      return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
    } catch (java.util.zip.DataFormatException e) {
      throw new IllegalArgumentException("not an encoded histogram", e);
    }
  }
}
