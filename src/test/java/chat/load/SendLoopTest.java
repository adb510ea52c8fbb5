package chat.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class SendLoopTest {
  /** One send the loop asked for. */
  record Sent(int slot, long message, long startNanos) {
  }

  @Test
  @DisplayName("Closed loop keeps each sender's window full: an answer lets exactly that sender send once more")
  void closedLoopWindow(Vertx vertx, VertxTestContext testContext) {
    List<Sent> sent = new CopyOnWriteArrayList<>();
    LongAdder counted = new LongAdder();
    SendLoop loop = new SendLoop(vertx, 3, 2, 0, 1_000, 10, (slot, message, start) -> sent.add(new Sent(slot, message, start)),
        counted, new LongAdder());
    loop.start();
    testContext.verify(() -> {
      assertThat(sent).hasSize(6);
      assertThat(loop.inFlight()).isEqualTo(6);
      loop.completed(1);
      assertThat(sent).hasSize(7);
      assertThat(sent.get(6).slot()).isEqualTo(1);
      assertThat(sent.get(6).message()).isEqualTo(2); // slot 1's third message
      loop.stop();
      loop.completed(0);
      assertThat(sent).hasSize(7);
      assertThat(loop.inFlight()).isEqualTo(5);
      assertThat(counted.sum()).isEqualTo(7);
    });
    testContext.completeNow();
  }

  @Test
  @DisplayName("The message bound ends the run: no send past it, and exhausted completes")
  void messageBound(Vertx vertx, VertxTestContext testContext) {
    List<Sent> sent = new CopyOnWriteArrayList<>();
    SendLoop loop = new SendLoop(vertx, 2, 3, 0, 4, 10, (slot, message, start) -> sent.add(new Sent(slot, message, start)),
        new LongAdder(), new LongAdder());
    loop.start();
    loop.exhausted().onComplete(testContext.succeeding(v -> testContext.verify(() -> {
      assertThat(sent).hasSize(4);
      testContext.completeNow();
    })));
  }

  @Test
  @DisplayName("Open loop warms up as a closed loop of one send per sender (capped at the rate), then stamps each send with its intended time, 1/rate apart, whatever the answers do")
  void openLoopIntendedTimes(Vertx vertx, VertxTestContext testContext) {
    List<Sent> sent = new CopyOnWriteArrayList<>();
    LongAdder skipped = new LongAdder();
    // 1,000/s over 2 senders; each sender may have 50 unanswered sends
    SendLoop loop = new SendLoop(vertx, 2, 1, 1_000, 1_000, 50, (slot, message, start) -> sent.add(new Sent(slot, message, start)),
        new LongAdder(), skipped);
    // On one event loop, as the tool runs it: the pacing timer cannot fire between these steps
    vertx.runOnContext(started -> testContext.verify(() -> {
      loop.start();
      assertThat(sent).hasSize(2);
      loop.completed(0); // warm-up: an answer lets the sender send again, but no sooner than the rate allows
      assertThat(sent).hasSize(2);
      vertx.setTimer(50, warmedUp -> testContext.verify(() -> {
        assertThat(sent).hasSize(3);
        loop.startPacing();
        loop.completed(0); // pacing: answers no longer trigger sends
        assertThat(sent).hasSize(3);
        vertx.setTimer(300, id -> testContext.verify(() -> {
          loop.stop();
          List<Sent> paced = sent.subList(3, sent.size());
          assertThat(paced).hasSize(99); // 50 unanswered per sender (one of them the warm-up's), the rest skipped
          assertThat(skipped.sum()).isPositive();
          for (int i = 1; i < paced.size(); i++) {
            assertThat(paced.get(i).startNanos() - paced.get(i - 1).startNanos()).isEqualTo(1_000_000L);
            assertThat(paced.get(i).slot()).isEqualTo(i % 2);
          }
          testContext.completeNow();
        }));
      }));
    }));
  }

  @Test
  @DisplayName("An open loop is already paced at its rate when the measured window opens: pacing starts halfway through the warm-up")
  void openLoopPacedBeforeWindow(Vertx vertx, VertxTestContext testContext) {
    List<Sent> sent = new CopyOnWriteArrayList<>();
    // 1,000/s from one sender that is never answered: the closed-loop part sends once, pacing the rest
    SendLoop loop = new SendLoop(vertx, 1, 1, 1_000, 100_000, 100_000, (slot, message, start) -> sent.add(new Sent(slot, message, start)),
        new LongAdder(), new LongAdder());
    Measurement measurement = new Measurement(vertx, new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8),
        List.of("ack"), List.of("sent"));
    vertx.runOnContext(started -> {
      loop.run(measurement, Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofMillis(10));
      measurement.windowOpened().onSuccess(open -> testContext.verify(() -> {
        loop.stop();
        // the second second of the warm-up ran at 1,000/s (timers fire a tick or two late, never early)
        assertThat(sent.size()).isBetween(800, 1_200);
        testContext.completeNow();
      }));
    });
  }

  @Test
  @DisplayName("An open loop sends each message when its intended time comes, not an interval later")
  void openLoopSendsOnTime(Vertx vertx, VertxTestContext testContext) {
    List<Long> lateness = new CopyOnWriteArrayList<>();
    // 5/s, a 200 ms interval: a send one interval late would be 200 ms late
    SendLoop loop = new SendLoop(vertx, 1, 1, 5, 3, 100, (slot, message, start) -> lateness.add(System.nanoTime() - start),
        new LongAdder(), new LongAdder());
    vertx.runOnContext(started -> {
      loop.startPacing();
      loop.exhausted().onSuccess(done -> testContext.verify(() -> {
        assertThat(lateness).hasSize(3);
        assertThat(lateness).allMatch(late -> late < 100_000_000L, "under half an interval late");
        testContext.completeNow();
      }));
    });
  }

  @Test
  @DisplayName("An open loop records each send's lag behind its intended time; a closed loop has no lag to report")
  void openLoopRecordsSendLag(Vertx vertx, VertxTestContext testContext) {
    LoadShape closedShape = new LoadShape(1, 0, 100, 20, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(10));
    LoadShape openShape = new LoadShape(1, 200, 100, 20, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(10));
    assertThat(closedShape.latencies("ack")).containsExactly("ack");
    assertThat(openShape.latencies("ack")).containsExactly("ack", Scenario.SEND_LAG);
    Measurement measurement = new Measurement(vertx, new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8),
        openShape.latencies("ack"), List.of("sent", "skipped"));
    SendLoop open = openShape.loop(vertx, 2, 100, (slot, message, start) -> { }, measurement, "sent", "skipped");
    vertx.runOnContext(started -> {
      open.startPacing();
      open.exhausted().onSuccess(done -> testContext.verify(() -> {
        var lags = measurement.latency(Scenario.SEND_LAG).endInterval(true);
        assertThat(lags.getTotalCount()).isEqualTo(20);
        assertThat(lags.getMinValue()).isGreaterThanOrEqualTo(0);
        testContext.completeNow();
      }));
    });
  }

  @Test
  @DisplayName("An open loop's warm-up never sends faster than the rate, however fast the answers come")
  void warmupCappedAtRate(Vertx vertx, VertxTestContext testContext) {
    List<Sent> sent = new CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicReference<SendLoop> loop = new java.util.concurrent.atomic.AtomicReference<>();
    // 100/s from one sender whose every send is answered at once
    loop.set(new SendLoop(vertx, 1, 1, 100, 1_000, 50, (slot, message, start) -> {
      sent.add(new Sent(slot, message, start));
      vertx.runOnContext(answered -> loop.get().completed(slot));
    }, new LongAdder(), new LongAdder()));
    vertx.runOnContext(started -> loop.get().start());
    vertx.setTimer(500, id -> testContext.verify(() -> {
      loop.get().stop();
      assertThat(sent.size()).isBetween(10, 52); // 50 in 500 ms at most, timers may only be late
      for (int i = 1; i < sent.size(); i++) {
        assertThat(sent.get(i).startNanos() - sent.get(i - 1).startNanos()).isGreaterThanOrEqualTo(10_000_000L);
      }
      testContext.completeNow();
    }));
  }
}
