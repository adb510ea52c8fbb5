package chat.load;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The load tool: {@code java -cp chat-server.jar chat.load.LoadTool SCENARIO --url URL [--name value ...]}.
 * Drives any deployment through the v1 wire contract only (REST and {@code /ws}), prints a progress
 * line a second and a summary table, and writes {@code <out>/<scenario>-<time>.json} and {@code .html}.
 */
public final class LoadTool {
  static final String USAGE = """
      usage: java -cp chat-server.jar chat.load.LoadTool SCENARIO --url http://HOST:PORT [--name value ...]

      scenarios:
        connections  open N authenticated sockets at a rate and hold them
                     --connections 1000 --rate 500 --hold 10s --processes 1 --sources (127.0.0.x when local)
                     --per-user 1 --server-pid PID (reads the server's RSS from /proc)
        direct       P sender->recipient pairs; closed loop (--window W) or open loop (--rate R msgs/s)
                     --pairs 50 --window 10 --rate 0 --size 100 --warmup 10s --duration 30s
        group        one group of M online members, K senders; latency until the last member has it
                     --members 1000 --senders 1 --window 1 --rate 0 --size 100 --warmup 10s --duration 30s
        history      page-of-50 latency on one conversation of N messages, pages at random depths
                     --messages 100000 --page 50 --concurrency 4 --via socket|rest --warmup 5s --duration 30s
        sync         a device that missed N messages reconnects; time until it has them all
                     --missed 10000 --rounds 5 --warmup-rounds 1

      every scenario: --url http://127.0.0.1:8080 (or several, comma-separated) --out load-results --loops (cores) --sources a,b
                      --deflate (ask for permessage-deflate) --timeout 10m (the whole run, preparation included)
                      --heartbeat 5s (each socket pings this often: the server closes silent ones)
      """;

  private LoadTool() {
  }

  public static void main(String[] args) {
    if (args.length == 0 || args[0].startsWith("-")) {
      System.err.print(USAGE);
      System.exit(2);
    }
    if (ConnectionsWorker.COMMAND.equals(args[0])) {
      ConnectionsWorker.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    Vertx vertx = Vertx.vertx();
    int status;
    try {
      run(vertx, args[0], Params.parse(List.of(args).subList(1, args.length)), System.out).await();
      status = 0;
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.print(USAGE);
      status = 2;
    } catch (Exception e) {
      System.err.println("the run failed: " + e.getMessage());
      status = 1;
    }
    vertx.close().await();
    System.exit(status);
  }

  /**
   * Runs one scenario on {@code vertx}: prepare, measure, report to {@code out}, write the result
   * files, close. Fails on a bad parameter before anything is sent.
   */
  public static Future<RunResult> run(Vertx vertx, String scenarioName, Params params, PrintStream out) {
    String url = params.string("url", "http://127.0.0.1:8080");
    Path outDir = Path.of(params.string("out", "load-results"));
    int loops = params.integer("loops", Runtime.getRuntime().availableProcessors());
    boolean deflate = params.flag("deflate");
    Duration heartbeat = params.duration("heartbeat", Duration.ofSeconds(5));
    Duration timeout = params.duration("timeout", Duration.ofMinutes(10));
    List<String> sources = params.list("sources", "");
    Future<Lanes> lanesReady = Lanes.deploy(vertx, loops);
    return lanesReady.compose(lanes -> {
      WireClient client = new WireClient(vertx, lanes, url, sources, deflate, heartbeat);
      Scenario scenario;
      try {
        scenario = create(scenarioName, vertx, client, params, out);
        params.rejectUnread();
      } catch (IllegalArgumentException e) {
        return client.close().compose(v -> lanes.close()).transform(v -> Future.<RunResult>failedFuture(e));
      }
      Instant started = Instant.now();
      Measurement measurement = new Measurement(vertx, out, scenario.latencies(), scenario.counters());
      out.println(scenario.description() + " against " + client.url() + ": preparing");
      Future<RunResult> result = scenario.prepare()
          .compose(v -> {
            out.println("prepared; measuring");
            return scenario.run(measurement);
          })
          .map(v -> new RunResult(scenarioName, scenario.description(), client.url(), started, params.used(),
              measurement.finish(), withServerCloses(scenario.figures(), client)))
          .compose(r -> write(vertx, r, outDir, out).map(r));
      Future<RunResult> bounded = Future.any(result, vertx.timer(timeout.toMillis(), TimeUnit.MILLISECONDS))
          .compose(v -> result.isComplete() ? result
              : Future.failedFuture("the run took longer than --timeout " + Params.format(timeout)));
      return bounded.eventually(() -> scenario.close().eventually(client::close).eventually(lanes::close));
    });
  }

  /** A socket the server closed mid-run invalidates what it was part of: the result says so. */
  private static Map<String, Object> withServerCloses(Map<String, Object> figures, WireClient client) {
    Map<String, Object> all = new LinkedHashMap<>(figures);
    all.putAll(client.serverCloses());
    return all;
  }

  static Scenario create(String name, Vertx vertx, WireClient client, Params params, PrintStream out) {
    return switch (name) {
      case "connections" -> new ConnectionsScenario(vertx, client, params, out);
      case "direct" -> new DirectScenario(vertx, client, params);
      case "group" -> new GroupScenario(vertx, client, params);
      case "history" -> new HistoryScenario(vertx, client, params, out);
      case "sync" -> new SyncScenario(vertx, client, params, out);
      default -> throw new IllegalArgumentException("unknown scenario '" + name + "'");
    };
  }

  private static Future<Void> write(Vertx vertx, RunResult result, Path outDir, PrintStream out) {
    out.println();
    out.print(result.summary());
    String stem = result.scenario() + "-" + result.startedAt().toString().replace(":", "").replaceAll("\\.\\d+", "");
    return vertx.executeBlocking(() -> {
      Files.createDirectories(outDir);
      Path json = outDir.resolve(stem + ".json");
      Path html = outDir.resolve(stem + ".html");
      Files.writeString(json, result.toJson().encodePrettily(), StandardCharsets.UTF_8);
      Files.writeString(html, HtmlReport.render(result), StandardCharsets.UTF_8);
      out.println("wrote " + json + " and " + html);
      return null;
    });
  }
}
