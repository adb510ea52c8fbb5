package chat.async;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("The keyed serializer")
class KeyedSerializerTest {
  private static final int QUEUED = 10_000;

  @Test
  @DisplayName("runs thousands of quick tasks queued behind a slow one, each once and in order")
  void longQueueBehindASlowTask(Vertx vertx, VertxTestContext testContext) {
    KeyedSerializer serializer = new KeyedSerializer();
    vertx.runOnContext(v -> {
      Promise<Integer> slow = Promise.promise();
      List<Integer> ran = new ArrayList<>();
      List<Future<Integer>> results = new ArrayList<>();
      results.add(serializer.submit("k", () -> slow.future()));
      for (int i = 1; i <= QUEUED; i++) {
        int n = i;
        results.add(serializer.submit("k", () -> {
          ran.add(n);
          return Future.succeededFuture(n); // completes at once, so the next task starts right after it
        }));
      }
      slow.complete(0);
      Future.all(results).onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        assertThat(ran).containsExactlyElementsOf(IntStream.rangeClosed(1, QUEUED).boxed().toList());
        testContext.completeNow();
      })));
    });
  }

  @Test
  @DisplayName("starts the next task of a key only once the previous one has completed")
  void oneAtATimePerKey(Vertx vertx, VertxTestContext testContext) {
    KeyedSerializer serializer = new KeyedSerializer();
    vertx.runOnContext(v -> {
      Promise<Void> first = Promise.promise();
      List<String> events = new ArrayList<>();
      serializer.submit("k", () -> {
        events.add("first started");
        return first.future();
      });
      Future<Void> second = serializer.submit("k", () -> {
        events.add("second started");
        return Future.succeededFuture();
      });
      Future<Void> other = serializer.submit("other", () -> {
        events.add("other key started");
        return Future.succeededFuture();
      });
      events.add("first completes");
      first.complete();
      Future.all(second, other).onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        assertThat(events).containsExactly("first started", "other key started", "first completes", "second started");
        testContext.completeNow();
      })));
    });
  }
}
