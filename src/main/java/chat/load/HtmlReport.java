package chat.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;
import org.HdrHistogram.Histogram;

/**
 * A self-contained HTML page (inline SVG, no scripts, nothing fetched) for one run: the latency
 * percentile curves, throughput per second, p99 per second, and the summary table.
 */
public final class HtmlReport {
  private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};
  private static final int WIDTH = 760;
  private static final int HEIGHT = 320;
  private static final int LEFT = 70;
  private static final int RIGHT = 20;
  private static final int TOP = 30;
  private static final int BOTTOM = 50;

  /** A line on a chart. */
  record Series(String name, List<double[]> points) {
  }

  private HtmlReport() {
  }

  public static String render(RunResult result) {
    StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
        .append(escape(result.scenario())).append(" load run</title><style>")
        .append("body{font-family:sans-serif;max-width:800px;margin:2em auto;color:#222}")
        .append("pre{background:#f6f6f6;padding:1em;overflow-x:auto}svg{display:block;margin:1em 0}")
        .append("</style></head><body>\n<h1>").append(escape(result.description())).append("</h1>\n<p>")
        .append(escape(result.url())).append(", started ").append(result.startedAt()).append("</p>\n<pre>")
        .append(escape(result.summary())).append("</pre>\n");
    if (!result.totals().latencies().isEmpty()) {
      html.append(percentileChart(result));
    }
    if (!result.totals().timeline().isEmpty()) {
      html.append(throughputChart(result)).append(p99Chart(result));
    }
    html.append("<h2>Parameters</h2>\n<pre>").append(escape(result.params().toString())).append("</pre>\n</body></html>\n");
    return html.toString();
  }

  /** Latency against percentile, the percentile axis in "nines" (90%, 99%, 99.9%, ...) as HdrHistogram plots do. */
  static String percentileChart(RunResult result) {
    long most = result.totals().latencies().values().stream().mapToLong(Histogram::getTotalCount).max().orElse(1);
    double nines = Math.max(1, Math.min(5, Math.floor(Math.log10(Math.max(10, most)))));
    List<Series> series = new ArrayList<>();
    result.totals().latencies().forEach((name, h) -> {
      List<double[]> points = new ArrayList<>();
      if (h.getTotalCount() > 0) {
        for (int i = 0; i <= 200; i++) {
          double x = nines * i / 200;
          double percentile = 100 * (1 - Math.pow(10, -x));
          points.add(new double[] {x, LatencyMetric.millis(h.getValueAtPercentile(percentile))});
        }
        points.add(new double[] {nines, LatencyMetric.millis(h.getMaxValue())});
      }
      series.add(new Series(name, points));
    });
    return chart("Latency by percentile", "percentile", "ms", series, nines,
        x -> x == 0 ? "0%" : trimZeros(String.format(Locale.ROOT, "%.5f", 100 * (1 - Math.pow(10, -x)))) + "%");
  }

  static String throughputChart(RunResult result) {
    List<Series> series = new ArrayList<>();
    result.totals().counts().keySet().forEach(name -> series.add(new Series(name + "/s",
        result.totals().timeline().stream().map(t -> new double[] {t.second(), t.counts().getOrDefault(name, 0L)}).toList())));
    return chart("Throughput per second", "second", "per second", series, result.totals().timeline().size(),
        x -> Long.toString(Math.round(x)));
  }

  static String p99Chart(RunResult result) {
    List<Series> series = new ArrayList<>();
    result.totals().latencies().keySet().forEach(name -> series.add(new Series(name + " p99",
        result.totals().timeline().stream().filter(t -> t.p99Micros().getOrDefault(name, -1L) >= 0)
            .map(t -> new double[] {t.second(), LatencyMetric.millis(t.p99Micros().get(name))}).toList())));
    return chart("p99 latency per second", "second", "ms", series, result.totals().timeline().size(),
        x -> Long.toString(Math.round(x)));
  }

  /** A line chart with x from 0 to {@code xMax}, five labelled ticks on each axis, y from 0 to the largest value. */
  static String chart(String title, String xLabel, String yLabel, List<Series> series, double xMax,
                      DoubleFunction<String> xTickLabel) {
    double yMax = series.stream().flatMap(s -> s.points().stream()).mapToDouble(p -> p[1]).max().orElse(1);
    yMax = niceCeiling(yMax);
    double plotWidth = WIDTH - LEFT - RIGHT;
    double plotHeight = HEIGHT - TOP - BOTTOM;
    StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-size=\"12\">%n", WIDTH, HEIGHT));
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"15\">%s</text>%n", LEFT, escape(title)));
    for (int i = 0; i <= 5; i++) {
      double y = TOP + plotHeight - plotHeight * i / 5;
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
          + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT, y, WIDTH - RIGHT, y, LEFT - 6, y + 4,
          trimZeros(String.format(Locale.ROOT, "%.3f", yMax * i / 5))));
      double xValue = xMax * i / 5;
      double x = LEFT + plotWidth * i / 5;
      svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
          x, HEIGHT - BOTTOM + 16, escape(xTickLabel.apply(xValue))));
    }
    svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
        LEFT + plotWidth / 2, HEIGHT - 12, escape(xLabel)));
    svg.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%.1f\" transform=\"rotate(-90 14 %.1f)\" "
        + "text-anchor=\"middle\">%s</text>%n", TOP + plotHeight / 2, TOP + plotHeight / 2, escape(yLabel)));
    for (int s = 0; s < series.size(); s++) {
      String colour = COLOURS[s % COLOURS.length];
      StringBuilder path = new StringBuilder();
      for (double[] p : series.get(s).points()) {
        double x = LEFT + plotWidth * (xMax == 0 ? 0 : p[0] / xMax);
        double y = TOP + plotHeight - plotHeight * p[1] / yMax;
        path.append(path.length() == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
      }
      svg.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"/>%n",
          path, colour));
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>%n",
          LEFT + 10, TOP + 16 + 16 * s, colour, escape(series.get(s).name())));
    }
    return svg.append("</svg>\n").toString();
  }

  /** 1, 2 or 5 times a power of ten, at least {@code value}. */
  static double niceCeiling(double value) {
    if (value <= 0) {
      return 1;
    }
    double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
    for (double step : new double[] {1, 2, 5, 10}) {
      if (step * magnitude >= value) {
        return step * magnitude;
      }
    }
    return 10 * magnitude;
  }

  private static String trimZeros(String number) {
    return number.contains(".") ? number.replaceAll("0+$", "").replaceAll("\\.$", "") : number;
  }

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
