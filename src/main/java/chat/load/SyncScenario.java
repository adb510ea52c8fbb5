package chat.load;

import chat.load.WireClient.Account;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code sync}: a device that missed N messages while offline reconnects and catches up. Each
 * round, one user sends N messages to a second user who has no socket open; then the second user
 * connects, authenticates, and syncs from its last seq, page after page, until {@code more} is
 * false. Reports the time from opening the socket to holding all N (and from the first
 * {@code sync} frame). The first rounds warm up and are not counted.
 */
public final class SyncScenario implements Scenario {
  static final String EVENTS = "events";
  static final String ROUNDS = "rounds";
  static final String CATCH_UP = "connect to all";
  static final String SYNC_ONLY = "sync to all";

  private final Vertx vertx;
  private final WireClient client;
  private final PrintStream out;
  private final int missed;
  private final int rounds;
  private final int warmupRounds;
  private final int page;
  private final int size;
  private final Duration duration;
  private Account reader;
  private LoadSocket sender;
  private long lastSeq;
  private long incomplete;

  public SyncScenario(Vertx vertx, WireClient client, Params params, PrintStream out) {
    this.vertx = vertx;
    this.client = client;
    this.out = out;
    this.missed = params.integer("missed", 10_000);
    this.rounds = params.integer("rounds", 5);
    this.warmupRounds = params.integer("warmup-rounds", 1);
    this.page = params.integer("page", 500);
    this.size = params.integer("size", 100);
    this.duration = params.duration("duration", Duration.ofMinutes(5));
  }

  @Override
  public String description() {
    return String.format(Locale.ROOT, "sync: a device catches up on %,d missed messages, pages of %d; %d round(s) "
        + "after %d warm-up round(s)", missed, page, rounds, warmupRounds);
  }

  @Override
  public List<String> latencies() {
    return List.of(CATCH_UP, SYNC_ONLY);
  }

  @Override
  public List<String> counters() {
    return List.of(EVENTS, ROUNDS);
  }

  @Override
  public Future<Void> prepare() {
    return client.newAccounts(2, 2).compose(accounts -> {
      reader = accounts.get(1);
      return client.connect(accounts.get(0)).map(s -> {
        sender = s;
        return null;
      });
    });
  }

  @Override
  public Future<Void> run(Measurement m) {
    m.start(Duration.ZERO);
    long deadline = System.nanoTime() + duration.toNanos();
    return round(0, m, deadline).onComplete(ar -> m.endWindow());
  }

  private Future<Void> round(int n, Measurement m, long deadline) {
    if (n >= warmupRounds + rounds || System.nanoTime() > deadline) {
      return Future.succeededFuture();
    }
    boolean counted = n >= warmupRounds;
    return Seeder.seed(vertx, sender, reader.userId(), missed, size, out)
        .compose(ids -> catchUp(counted, m))
        .compose(v -> round(n + 1, m, deadline));
  }

  /** Connects the offline device, syncs until it has everything, records the times, disconnects. */
  private Future<Void> catchUp(boolean counted, Measurement m) {
    long connectStart = System.nanoTime();
    long expected = lastSeq + missed;
    return client.connect(reader).compose(socket -> {
      long syncStart = System.nanoTime();
      Promise<Long> caughtUp = Promise.promise();
      long[] received = {0};
      socket.onFrame(frame -> {
        switch (String.valueOf(frame.getString("type"))) {
          case "message" -> received[0]++;
          case "synced" -> {
            long seq = frame.getLong("seq");
            if (frame.getBoolean("more", false)) {
              sync(socket, seq);
            } else {
              caughtUp.tryComplete(seq);
            }
          }
          case "error" -> caughtUp.tryFail("sync failed: " + frame.encode());
          default -> { }
        }
      });
      sync(socket, lastSeq);
      return caughtUp.future().<Void>map(seq -> {
        long now = System.nanoTime();
        if (counted) {
          m.latency(CATCH_UP).record(connectStart, now);
          m.latency(SYNC_ONLY).record(syncStart, now);
          m.counter(EVENTS).add(received[0]);
          m.counter(ROUNDS).increment();
        }
        if (seq < expected) {
          incomplete++;
        }
        out.printf(Locale.ROOT, "  round%s: %,d events in %.1f ms (connect to all)%n", counted ? "" : " (warm-up)",
            received[0], (now - connectStart) / 1e6);
        lastSeq = seq;
        return null;
      }).eventually(socket::close);
    });
  }

  private void sync(LoadSocket socket, long since) {
    socket.send(new JsonObject().put("type", "sync").put("since", since).put("limit", page));
  }

  @Override
  public Map<String, Object> figures() {
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("rounds short of all messages", incomplete);
    return figures;
  }

  @Override
  public Future<Void> close() {
    return sender == null ? Future.succeededFuture() : sender.close();
  }
}
