package chat;

import static org.assertj.core.api.Assertions.assertThat;

import chat.support.ChatClient;
import chat.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /metrics}: the node's gauges in Prometheus's text format, and the switch that turns it off. */
@ExtendWith(VertxExtension.class)
class MetricsTest {
  private static long gauge(String text, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + " (\\d+)$").matcher(text);
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  private static Future<String> scrape(ChatClient client) {
    return client.get("/metrics", null).map(r -> {
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.getHeader("Content-Type")).startsWith("text/plain; version=0.0.4");
      return r.bodyAsString();
    });
  }

  /** Scrapes until chat_sessions_open is {@code expected} (the server sees a close a moment after the client). */
  private static Future<String> awaitSessions(Vertx vertx, ChatClient client, long expected, int triesLeft) {
    return scrape(client).compose(text -> gauge(text, "chat_sessions_open") == expected || triesLeft == 0
        ? Future.succeededFuture(text)
        : vertx.timer(100).compose(v -> awaitSessions(vertx, client, expected, triesLeft - 1)));
  }

  @Test
  @DisplayName("Metrics count the node's open sessions, up when one authenticates and down when it closes, next to its memory")
  void countsSessions(Vertx vertx, VertxTestContext testContext, @TempDir Path dir) {
    TestNode.start(vertx, dir).compose(node -> {
      ChatClient client = new ChatClient(vertx, node.port());
      return client.newUser("phone").compose(user -> scrape(client).compose(before -> client.connect(user)
          .compose(socket -> scrape(client).compose(open -> socket.close()
              .compose(v -> awaitSessions(vertx, client, 0, 50)).map(closed -> {
                testContext.verify(() -> {
                  assertThat(before).contains("# TYPE chat_sessions_open gauge");
                  assertThat(gauge(before, "chat_sessions_open")).isZero();
                  assertThat(gauge(open, "chat_sessions_open")).isEqualTo(1);
                  assertThat(gauge(closed, "chat_sessions_open")).isZero();
                  assertThat(gauge(open, "process_resident_memory_bytes")).isPositive();
                  assertThat(gauge(open, "process_open_fds")).isPositive();
                  assertThat(gauge(open, "jvm_memory_heap_used_bytes")).isPositive();
                });
                return null;
              })))))
          .eventually(node::close);
    }).onComplete(testContext.succeedingThenComplete());
  }

  @Test
  @DisplayName("With http.metrics off, /metrics is not served")
  void turnedOff(Vertx vertx, VertxTestContext testContext, @TempDir Path dir) {
    TestNode.start(vertx, dir, config -> config.getJsonObject("http").put("metrics", false))
        .compose(node -> new ChatClient(vertx, node.port()).get("/metrics", null).eventually(node::close))
        .onComplete(testContext.succeeding(r -> testContext.verify(() -> {
          assertThat(r.statusCode()).isEqualTo(404);
          testContext.completeNow();
        })));
  }
}
