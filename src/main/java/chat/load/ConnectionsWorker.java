package chat.load;

import chat.load.WireClient.Account;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The share of a {@code connections} run that one process holds: it logs its users in, then opens
 * its sockets at its rate, holds them until released, and counts what the server closed meanwhile.
 *
 * <p>Run in the tool's own process, or as a child process ({@code LoadTool connections-worker ...})
 * when one process's open-file cap cannot hold them all; then it is driven over its standard input
 * and output, one line a step: it prints {@code prepared}; reads {@code open}, prints a
 * {@code progress OPENED FAILED DROPPED} line a second and {@code opened} once every socket is open
 * or failed; reads {@code release}, and prints {@code result JSON} and exits.
 */
final class ConnectionsWorker implements ConnectionsScenario.Worker {
  static final String COMMAND = "connections-worker";

  private final Vertx vertx;
  private final WireClient client;
  private final int connections;
  private final long rate;
  private final int perUser;
  private final LatencyMetric connect;
  private final LongAdder opened;
  private final LongAdder failed;
  private final LongAdder dropped;
  private final List<LoadSocket> sockets = new ArrayList<>();
  private final List<String> failures = new ArrayList<>();
  private List<Account> accounts = List.of();
  private volatile boolean releasing;

  ConnectionsWorker(Vertx vertx, WireClient client, int connections, long rate, int perUser, LatencyMetric connect,
                    LongAdder opened, LongAdder failed, LongAdder dropped) {
    this.vertx = vertx;
    this.client = client;
    this.connections = connections;
    this.rate = Math.max(1, rate);
    this.perUser = Math.max(1, perUser);
    this.connect = connect;
    this.opened = opened;
    this.failed = failed;
    this.dropped = dropped;
  }

  @Override
  public Future<Void> prepare() {
    return client.newAccounts((connections + perUser - 1) / perUser, 16).map(made -> {
      accounts = made;
      return null;
    });
  }

  @Override
  public Future<Void> open() {
    Promise<Void> done = Promise.promise();
    long origin = System.nanoTime();
    int[] started = {0};
    LongAdder finished = new LongAdder();
    vertx.setPeriodic(10, timer -> {
      long due = Math.min(connections, (System.nanoTime() - origin) * rate / 1_000_000_000L + 1);
      for (; started[0] < due; started[0]++) {
        long start = System.nanoTime();
        client.connect(accounts.get(started[0] / perUser)).onComplete(ar -> {
          if (ar.succeeded()) {
            connect.record(start, System.nanoTime());
            opened.increment();
            synchronized (sockets) {
              sockets.add(ar.result());
            }
            ar.result().closed().onComplete(v -> {
              if (!releasing) {
                dropped.increment();
              }
            });
          } else {
            failed.increment();
            synchronized (failures) {
              if (failures.size() < 5) {
                failures.add(String.valueOf(ar.cause().getMessage()));
              }
            }
          }
          finished.increment();
          if (finished.sum() == connections) {
            done.tryComplete();
          }
        });
      }
      if (started[0] >= connections) {
        vertx.cancelTimer(timer);
      }
    });
    return done.future();
  }

  @Override
  public Future<Void> release() {
    releasing = true;
    List<Future<Void>> closing = new ArrayList<>();
    synchronized (sockets) {
      sockets.forEach(s -> closing.add(s.close()));
    }
    return Future.join(closing).otherwiseEmpty().mapEmpty();
  }

  /** The first few reasons sockets failed to open. */
  @Override
  public List<String> failures() {
    synchronized (failures) {
      return List.copyOf(failures);
    }
  }

  /** Entry point of a child process: the line protocol of the class comment. */
  static void main(String[] args) {
    PrintStream out = System.out;
    Params params = Params.parse(List.of(args));
    String url = params.string("url", "http://127.0.0.1:8080");
    List<String> sources = params.list("sources", "");
    int connections = params.integer("connections", 1000);
    long rate = params.number("rate", 500);
    int perUser = params.integer("per-user", 1);
    Duration timeout = params.duration("timeout", Duration.ofMinutes(10));
    Duration heartbeat = params.duration("heartbeat", Duration.ofSeconds(5));
    params.rejectUnread();
    Vertx vertx = Vertx.vertx();
    // never outlive a parent that went away without releasing us
    vertx.setTimer(timeout.toMillis(), id -> Runtime.getRuntime().halt(3));
    LatencyMetric connect = new LatencyMetric(ConnectionsScenario.CONNECT);
    LongAdder opened = new LongAdder();
    LongAdder failed = new LongAdder();
    LongAdder dropped = new LongAdder();
    Lanes lanes = Lanes.deploy(vertx, 1).await();
    WireClient client = new WireClient(vertx, lanes, url, sources, false, heartbeat);
    ConnectionsWorker worker = new ConnectionsWorker(vertx, client, connections, rate, perUser, connect, opened, failed,
        dropped);
    try {
      worker.prepare().await();
      out.println("prepared");
      BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      expect(commands, "open");
      long progress = vertx.setPeriodic(1000, id -> out.println("progress " + opened.sum() + " " + failed.sum() + " "
          + dropped.sum()));
      worker.open().await();
      out.println("progress " + opened.sum() + " " + failed.sum() + " " + dropped.sum());
      out.println("opened");
      expect(commands, "release");
      vertx.cancelTimer(progress);
      worker.release().await();
      out.println("result " + new JsonObject().put("opened", opened.sum()).put("failed", failed.sum())
          .put("dropped", dropped.sum()).put("failures", worker.failures())
          .put("connect", RunResult.encode(connect.endInterval(true))).encode());
      out.flush();
      Runtime.getRuntime().halt(0);
    } catch (Exception e) {
      System.err.println("connections worker failed: " + e.getMessage());
      Runtime.getRuntime().halt(1);
    }
  }

  private static void expect(BufferedReader commands, String command) throws java.io.IOException {
    String line = commands.readLine();
    if (!command.equals(line)) {
      throw new IllegalStateException("expected '" + command + "' from the parent, got " + line);
    }
  }
}
