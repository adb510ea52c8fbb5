package chat.load;

import static org.assertj.core.api.Assertions.assertThat;

import chat.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class LoadToolTest {
  @Test
  @DisplayName("Each scenario name builds its scenario, and an unknown one is refused")
  void scenarioWiring(Vertx vertx, VertxTestContext testContext) {
    Lanes.deploy(vertx, 1).onComplete(testContext.succeeding(lanes -> testContext.verify(() -> {
      WireClient client = new WireClient(vertx, lanes, "http://127.0.0.1:1", List.of(), false, Duration.ofSeconds(5));
      PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
      assertThat(LoadTool.create("connections", vertx, client, Params.parse(List.of()), out))
          .isInstanceOf(ConnectionsScenario.class);
      assertThat(LoadTool.create("direct", vertx, client, Params.parse(List.of()), out)).isInstanceOf(DirectScenario.class);
      assertThat(LoadTool.create("group", vertx, client, Params.parse(List.of()), out)).isInstanceOf(GroupScenario.class);
      assertThat(LoadTool.create("history", vertx, client, Params.parse(List.of()), out))
          .isInstanceOf(HistoryScenario.class);
      assertThat(LoadTool.create("sync", vertx, client, Params.parse(List.of()), out)).isInstanceOf(SyncScenario.class);
      Scenario open = LoadTool.create("direct", vertx, client, Params.parse(List.of("--rate", "5000", "--pairs", "7")), out);
      assertThat(open.description()).contains("open loop at 5,000 msgs/s", "7 pairs");
      assertThat(open.counters().get(0)).isEqualTo("delivered"); // the throughput a direct run is judged by
      org.assertj.core.api.Assertions.assertThatThrownBy(
          () -> LoadTool.create("flood", vertx, client, Params.parse(List.of()), out)).hasMessageContaining("flood");
      client.close();
      testContext.completeNow();
    })));
  }

  @Test
  @DisplayName("A misspelt parameter fails the run before anything is sent")
  void misspeltParameter(Vertx vertx, VertxTestContext testContext) {
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    LoadTool.run(vertx, "direct", Params.parse(List.of("--url", "http://127.0.0.1:1", "--pairz", "3")), out)
        .onComplete(testContext.failing(e -> testContext.verify(() -> {
          assertThat(e).hasMessageContaining("--pairz");
          testContext.completeNow();
        })));
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @DisplayName("A short direct run against a real node completes, prints progress and a summary, and writes its JSON and HTML results")
  void smokeRun(Vertx vertx, VertxTestContext testContext, @TempDir Path dir) {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
    Path results = dir.resolve("results");
    TestNode.start(vertx, dir.resolve("node"), config -> config.getJsonObject("limits")
            .put("sendPerSecond", 100_000).put("sendBurst", 100_000))
        .compose(node -> LoadTool.run(vertx, "direct", Params.parse(List.of("--url", "http://127.0.0.1:" + node.port(),
            "--pairs", "2", "--window", "4", "--warmup", "1s", "--duration", "2s", "--out", results.toString())), out)
            .eventually(node::close))
        .onComplete(testContext.succeeding(result -> testContext.verify(() -> {
          assertThat(result.totals().counts().get("delivered")).isPositive();
          assertThat(result.totals().latencies().get("end-to-end").getTotalCount()).isPositive();
          assertThat(result.totals().counts().get("errors")).isZero();
          assertThat(printed.toString(StandardCharsets.UTF_8)).contains("warm-up", "end-to-end p99", "p99.9");
          try (Stream<Path> files = Files.list(results)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertThat(names).hasSize(2);
            assertThat(names.get(0)).startsWith("direct-").endsWith(".html");
            JsonObject json = new JsonObject(Files.readString(results.resolve(names.get(1))));
            assertThat(json.getString("scenario")).isEqualTo("direct");
            assertThat(json.getJsonObject("latenciesMs").getJsonObject("ack").getLong("count")).isPositive();
          }
          testContext.completeNow();
        })));
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @DisplayName("A history run asks only for pages with a full page of older messages, though the seeding's acks come in any order")
  void historyPagesAreFull(Vertx vertx, VertxTestContext testContext, @TempDir Path dir) {
    // 400 sends, 200 in flight: their acks arrive out of msgId order, and a "before" picked by ack
    // position would often have fewer than 50 messages older than it
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    TestNode.start(vertx, dir.resolve("node"), config -> config.getJsonObject("limits")
            .put("sendPerSecond", 100_000).put("sendBurst", 100_000))
        .compose(node -> LoadTool.run(vertx, "history", Params.parse(List.of("--url", localUrl(node.port()),
            "--messages", "400", "--page", "50", "--concurrency", "2", "--warmup", "1s", "--duration", "2s",
            "--out", dir.resolve("results").toString())), out).eventually(node::close))
        .onComplete(testContext.succeeding(result -> testContext.verify(() -> {
          assertThat(result.totals().counts().get("pages")).isPositive();
          assertThat(result.totals().counts().get("short pages")).isZero();
          assertThat(result.totals().counts().get("errors")).isZero();
          testContext.completeNow();
        })));
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @DisplayName("The tool's sockets heartbeat: receive-only recipients outlive the server's heartbeat timeout and get every message")
  void socketsHeartbeat(Vertx vertx, VertxTestContext testContext, @TempDir Path dir) {
    runAgainstShortHeartbeatNode(vertx, dir, "direct", LoadToolTest::localUrl,
        "--pairs", "2", "--window", "2", "--warmup", "1s", "--duration", "3s", "--heartbeat", "200ms")
        .onComplete(testContext.succeeding(result -> testContext.verify(() -> {
          assertThat(result.figures()).doesNotContainKey("closed by server");
          long sent = result.totals().counts().get("sent");
          assertThat(sent).isPositive();
          // the window's edges may cut off the deliveries of the 4 sends in flight at each end, nothing more
          assertThat(result.totals().counts().get("delivered")).isCloseTo(sent, org.assertj.core.api.Assertions.within(8L));
          testContext.completeNow();
        })));
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @DisplayName("A socket the server closes mid-run is reported in the result, with its close code")
  void serverClosesReported(Vertx vertx, VertxTestContext testContext, @TempDir Path dir) {
    runAgainstShortHeartbeatNode(vertx, dir, "direct", LoadToolTest::localUrl,
        "--pairs", "1", "--window", "1", "--warmup", "1s", "--duration", "3s", "--heartbeat", "1m")
        .onComplete(testContext.succeeding(result -> testContext.verify(() -> {
          assertThat(result.figures().get("closed by server")).asString().contains("4408");
          testContext.completeNow();
        })));
  }

  /**
   * Runs {@code scenario} against a node that closes a socket silent for 1 s, with the URL (from the
   * node's port) and output dir added to {@code args}, then closes the node.
   */
  private static Future<RunResult> runAgainstShortHeartbeatNode(Vertx vertx, Path dir, String scenario,
                                                                 IntFunction<String> url, String... args) {
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    return TestNode.start(vertx, dir.resolve("node"), config -> {
      config.getJsonObject("limits").put("sendPerSecond", 100_000).put("sendBurst", 100_000);
      config.getJsonObject("http").put("heartbeatIntervalMs", 100).put("heartbeatTimeoutMs", 1_000);
    }).compose(node -> {
      List<String> all = new java.util.ArrayList<>(List.of(args));
      all.addAll(List.of("--url", url.apply(node.port()), "--out", dir.resolve("results").toString()));
      return LoadTool.run(vertx, scenario, Params.parse(all), out).eventually(node::close);
    });
  }

  private static String localUrl(int port) {
    return "http://127.0.0.1:" + port;
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @DisplayName("Given several URLs, the tool spreads its calls and sockets over them and names them all in the result")
  void severalUrls(Vertx vertx, VertxTestContext testContext, @TempDir Path dir) {
    runAgainstShortHeartbeatNode(vertx, dir, "direct", port -> "http://127.0.0.1:" + port + ", http://localhost:" + port + "/",
        "--pairs", "2", "--window", "2", "--warmup", "1s", "--duration", "1s")
        .onComplete(testContext.succeeding(result -> testContext.verify(() -> {
          assertThat(result.url()).matches("http://127\\.0\\.0\\.1:(\\d+),http://localhost:\\1");
          assertThat(result.totals().counts().get("delivered")).isPositive();
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("A URL without a host is refused with a message saying what was expected")
  void urlWithoutHost() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> WireClient.Endpoint.parse("127.0.0.1:8080"))
        .hasMessageContaining("--url needs a host");
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @DisplayName("Without a server pid, connections reads the server's memory and sessions from its /metrics")
  void connectionsReadMetrics(Vertx vertx, VertxTestContext testContext, @TempDir Path dir) {
    runAgainstShortHeartbeatNode(vertx, dir, "connections", LoadToolTest::localUrl,
        "--connections", "4", "--rate", "100", "--hold", "1500ms", "--heartbeat", "200ms")
        .onComplete(testContext.succeeding(result -> testContext.verify(() -> {
          assertThat(result.figures().get("memory read from")).asString().endsWith("/metrics");
          assertThat(result.figures().get("server sessions")).isEqualTo("0 before, 4 holding");
          assertThat(result.figures()).containsKey("RSS per socket").doesNotContainKey("closed by server");
          testContext.completeNow();
        })));
  }
}
