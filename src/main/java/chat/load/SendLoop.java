package chat.load;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The shape of the offered load over a fixed set of senders ("slots").
 *
 * <p>Closed loop ({@code rate == 0}): each slot keeps {@code window} sends in flight and sends the
 * next when one completes; a stalled server slows the load down, so the run measures what the
 * server sustains. Open loop ({@code rate > 0}): sends are due at fixed times, {@code rate} per
 * second over all slots, whatever the answers do; each send's start is its <em>intended</em> time,
 * not the moment it went out, so a stall shows in every latency it delays (coordinated omission
 * corrected). A slot with {@code maxInFlight} unanswered sends skips its due sends (counted) rather
 * than queue without bound. An open loop starts with a closed-loop warm-up, one send in flight per
 * slot, until {@link #startPacing}: started at full rate on a cold JIT, the schedule would fall
 * seconds behind in the first seconds and the measured window would only show that backlog. Pacing
 * starts halfway through the warm-up, so the measured window opens on the fixed-rate schedule
 * already running rather than on the step from the warm-up's rate to it (a transient that put
 * 150 ms seconds at the start of otherwise 20 ms windows). The closed-loop part never goes faster
 * than the rate either (a slot sends again no sooner than slots/rate after its previous send):
 * against a deployment that acks faster than it delivers, an uncapped warm-up would build a
 * delivery backlog that the measured window then drains.
 */
public final class SendLoop {
  /** Sends message number {@code message} from {@code slot}, stamped with {@code startNanos}. */
  public interface Sender {
    void send(int slot, long message, long startNanos);
  }

  private static final long NANOS = 1_000_000_000L;
  private final Vertx vertx;
  private final int slots;
  private final int window;
  private final long rate;
  private final long maxMessages;
  private final int maxInFlight;
  private final Sender sender;
  private final LongAdder sent;
  private final LongAdder skipped;
  private final AtomicLongArray nextMessage;
  private final AtomicInteger[] inFlight;
  private final AtomicLong total = new AtomicLong();
  /** Open-loop warm-up: the earliest time (nanoTime) each slot may send again. */
  private final AtomicLongArray warmupNext;
  private final Promise<Void> exhausted = Promise.promise();
  private volatile boolean stopped;
  private volatile boolean warmingUp;
  private long pacer = -1;
  private LatencyMetric lag;

  public SendLoop(Vertx vertx, int slots, int window, long rate, long maxMessages, int maxInFlight, Sender sender,
                  LongAdder sent, LongAdder skipped) {
    if (slots < 1) {
      throw new IllegalArgumentException("need at least one sender");
    }
    this.vertx = vertx;
    this.slots = slots;
    this.window = Math.max(1, window);
    this.rate = rate;
    this.maxMessages = maxMessages;
    this.maxInFlight = maxInFlight;
    this.sender = sender;
    this.sent = sent;
    this.skipped = skipped;
    this.nextMessage = new AtomicLongArray(slots);
    this.warmupNext = new AtomicLongArray(slots);
    this.inFlight = new AtomicInteger[slots];
    for (int i = 0; i < slots; i++) {
      inFlight[i] = new AtomicInteger();
    }
  }

  /** Records, for every send, how long after its intended time it was handed to its socket. */
  void recordLag(LatencyMetric lag) {
    this.lag = lag;
  }

  public boolean openLoop() {
    return rate > 0;
  }

  /** Starts offering load: the closed loop, or the open loop's warm-up. */
  public void start() {
    warmingUp = openLoop();
    for (int slot = 0; slot < slots; slot++) {
      if (openLoop()) {
        warmupSend(slot);
      } else {
        for (int w = 0; w < window; w++) {
          send(slot, System.nanoTime());
        }
      }
    }
  }

  /** Open loop: ends the warm-up and starts the fixed-rate schedule from now. */
  public void startPacing() {
    if (openLoop() && !stopped) {
      warmingUp = false;
      long origin = System.nanoTime();
      AtomicLong due = new AtomicLong();
      pacer = vertx.setPeriodic(1, id -> {
        long now = System.nanoTime();
        // every message whose intended time has come, the one due exactly now included
        long until = Math.min(maxMessages, (now - origin) * rate / NANOS + 1);
        for (long k = due.get(); k < until && !stopped; k++) {
          int slot = (int) (k % slots);
          long intended = origin + k * NANOS / rate;
          if (inFlight[slot].get() >= maxInFlight) {
            skipped.increment();
          } else {
            send(slot, intended);
          }
        }
        due.set(Math.max(due.get(), until));
        if (until >= maxMessages) {
          stop();
          exhausted.tryComplete();
        }
      });
    }
  }

  /** A send of {@code slot} was answered (ack or error): closed loop sends the next one. */
  public void completed(int slot) {
    inFlight[slot].decrementAndGet();
    if (stopped) {
      return;
    }
    if (!openLoop()) {
      send(slot, System.nanoTime());
    } else if (warmingUp) {
      long wait = warmupNext.get(slot) - System.nanoTime();
      if (wait <= 0) {
        warmupSend(slot);
      } else {
        vertx.setTimer((wait + 999_999) / 1_000_000, id -> { // rounded up: never early
          if (warmingUp) {
            warmupSend(slot);
          }
        });
      }
    }
  }

  private void warmupSend(int slot) {
    long now = System.nanoTime();
    warmupNext.set(slot, now + slots * NANOS / rate);
    send(slot, now);
  }

  public void stop() {
    stopped = true;
    if (pacer >= 0) {
      vertx.cancelTimer(pacer);
    }
  }

  /** Completes when {@code maxMessages} have been offered: the run's count bound. */
  public Future<Void> exhausted() {
    return exhausted.future();
  }

  public long inFlight() {
    long sum = 0;
    for (AtomicInteger slot : inFlight) {
      sum += slot.get();
    }
    return sum;
  }

  /**
   * Runs the loop under {@code m}: starts the clock and the load, paces an open loop from halfway
   * through the warm-up, ends the window after {@code duration} (or at the message bound), then
   * waits up to {@code drain} for the sends still in flight.
   */
  public Future<Void> run(Measurement m, Duration warmup, Duration duration, Duration drain) {
    m.start(warmup);
    start();
    long closedLoopMs = warmup.toMillis() / 2;
    if (closedLoopMs == 0) {
      m.windowOpened().onSuccess(v -> startPacing());
    } else {
      vertx.setTimer(closedLoopMs, id -> startPacing());
    }
    return Future.any(m.windowOf(duration), exhausted()).compose(v -> {
      stop();
      m.endWindow();
      return Waits.until(vertx, () -> inFlight() == 0, drain);
    });
  }

  private void send(int slot, long startNanos) {
    if (stopped) {
      return;
    }
    if (total.incrementAndGet() > maxMessages) {
      stopped = true;
      exhausted.tryComplete();
      return;
    }
    inFlight[slot].incrementAndGet();
    sent.increment();
    sender.send(slot, nextMessage.getAndIncrement(slot), startNanos);
    if (lag != null) {
      lag.record(startNanos, System.nanoTime());
    }
  }
}
