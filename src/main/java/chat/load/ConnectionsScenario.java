package chat.load;

import chat.metrics.NodeMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code connections}: opens N authenticated sockets at a given rate and holds them. Reports the
 * connect rate, connect latency (opening the socket → {@code ready}), failures, sockets the server
 * dropped while held and, given the server's pid on this machine, its resident memory per socket.
 *
 * <p>A process here may hold at most 20,000 open files, and one source address reaches one server
 * port through about 28,000 ephemeral ports, so with {@code --processes} above 1 the sockets are
 * spread over child processes, each with its own source address (127.0.0.2, .3, ... against a
 * loopback server, or the {@code --sources} given).
 */
public final class ConnectionsScenario implements Scenario {
  static final String CONNECT = "connect";
  static final String OPENED = "opened";
  static final String FAILED = "failed";
  static final String DROPPED = "dropped";

  /** One process's share of the sockets. */
  interface Worker {
    Future<Void> prepare();

    Future<Void> open();

    Future<Void> release();

    List<String> failures();
  }

  private final Vertx vertx;
  private final WireClient client;
  private final PrintStream out;
  private final String url;
  private final int connections;
  private final long rate;
  private final Duration hold;
  private final int processes;
  private final int perUser;
  private final long serverPid;
  private final String workerHeap;
  private final List<String> sources;
  private final Duration timeout;
  private final Duration heartbeat;
  private final List<Worker> workers = new ArrayList<>();
  private final List<ChildWorker> children = new ArrayList<>();
  private final Map<String, Object> figures = new LinkedHashMap<>();

  public ConnectionsScenario(Vertx vertx, WireClient client, Params params, PrintStream out) {
    this.vertx = vertx;
    this.client = client;
    this.out = out;
    this.url = params.string("url", "http://127.0.0.1:8080");
    this.connections = params.integer("connections", 1000);
    this.rate = Math.max(1, params.number("rate", 500));
    this.hold = params.duration("hold", Duration.ofSeconds(10));
    this.processes = Math.max(1, params.integer("processes", 1));
    this.perUser = Math.max(1, params.integer("per-user", 1));
    this.serverPid = params.number("server-pid", 0);
    this.workerHeap = params.string("worker-heap", "768m");
    this.sources = params.list("sources", "");
    this.timeout = params.duration("timeout", Duration.ofMinutes(10));
    this.heartbeat = params.duration("heartbeat", Duration.ofSeconds(5));
  }

  @Override
  public String description() {
    return String.format(Locale.ROOT, "connections: %,d sockets at %,d/s over %d process(es), held %s",
        connections, rate, processes, Params.format(hold));
  }

  @Override
  public List<String> latencies() {
    return List.of(CONNECT);
  }

  @Override
  public List<String> counters() {
    return List.of(OPENED, FAILED, DROPPED);
  }

  @Override
  public Future<Void> prepare() {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> run(Measurement m) {
    LongAdder opened = m.counter(OPENED);
    LongAdder failed = m.counter(FAILED);
    LongAdder dropped = m.counter(DROPPED);
    if (processes == 1) {
      workers.add(new ConnectionsWorker(vertx, client, connections, rate, perUser, m.latency(CONNECT), opened, failed,
          dropped));
    } else {
      List<String> childSources = childSources();
      for (int i = 0; i < processes; i++) {
        int share = connections / processes + (i < connections % processes ? 1 : 0);
        ChildWorker child = new ChildWorker(vertx, command(share, rate * share / connections,
            childSources.get(i % childSources.size())), opened, failed, dropped);
        children.add(child);
        workers.add(child);
      }
    }
    out.println("  logging in " + (connections + perUser - 1) / perUser + " users");
    return Future.all(workers.stream().map(Worker::prepare).toList())
        .compose(v -> serverMemory())
        .compose(before -> openAndHold(m, before))
        .compose(held -> Future.join(workers.stream().map(Worker::release).toList()))
        .map(released -> {
          children.forEach(child -> m.latency(CONNECT).add(child.connectLatencies()));
          List<String> failures = workers.stream().flatMap(w -> w.failures().stream()).limit(5).toList();
          if (!failures.isEmpty()) {
            figures.put("first failures", failures.toString());
          }
          return null;
        });
  }

  /** Opens every worker's sockets (the measured window), then holds them and reads the server's memory. */
  private Future<Void> openAndHold(Measurement m, ServerMemory before) {
    long openStart = System.nanoTime();
    m.start(Duration.ZERO);
    return Future.all(workers.stream().map(Worker::open).toList()).compose(all -> {
      double openSeconds = (System.nanoTime() - openStart) / 1e9;
      m.endWindow();
      long opened = m.counter(OPENED).sum();
      figures.put("connect rate", String.format(Locale.ROOT, "%,.0f/s (%,d in %.1f s)", opened / openSeconds, opened,
          openSeconds));
      out.println("  all opened; holding " + Params.format(hold));
      return vertx.timer(hold.toMillis()).compose(t -> serverMemory())
          .map(holding -> {
            recordMemory(before, holding, m.counter(OPENED).sum() - m.counter(DROPPED).sum());
            return null;
          });
    });
  }

  /**
   * The server's memory at one moment: resident set, heap in use after a full GC (0: not known) and
   * open sessions (-1: not known), and where they were read.
   */
  record ServerMemory(long rssKiB, long heapUsedKiB, long sessions, String source) {
  }

  private void recordMemory(ServerMemory before, ServerMemory holding, long held) {
    if (before == null || holding == null) {
      figures.put("server memory", "not measured: give --server-pid of a server on this machine, or let the"
          + " tool reach the nodes' /metrics (http.metrics, not through the load balancer)");
      return;
    }
    figures.put("memory read from", holding.source());
    if (before.sessions() >= 0 && holding.sessions() >= 0) {
      figures.put("server sessions", String.format(Locale.ROOT, "%,d before, %,d holding", before.sessions(),
          holding.sessions()));
    }
    figures.put("server RSS", String.format(Locale.ROOT, "%,d KiB before, %,d KiB holding", before.rssKiB(),
        holding.rssKiB()));
    if (held > 0) {
      figures.put("RSS per socket", String.format(Locale.ROOT, "%.1f KiB", (holding.rssKiB() - before.rssKiB()) / (double) held));
    }
    if (before.heapUsedKiB() > 0 && holding.heapUsedKiB() > 0) {
      figures.put("heap after GC", String.format(Locale.ROOT, "%,d KiB before, %,d KiB holding", before.heapUsedKiB(),
          holding.heapUsedKiB()));
      if (held > 0) {
        figures.put("heap per socket", String.format(Locale.ROOT, "%.1f KiB",
            (holding.heapUsedKiB() - before.heapUsedKiB()) / (double) held));
      }
    }
  }

  /**
   * The server's memory, or null when it cannot be read. With {@code --server-pid}, a Java server
   * on this machine is first asked for a full GC (jcmd, best effort), so that both readings hold
   * live data, not whatever garbage the logins left, and its heap in use is read too: a JVM keeps
   * the heap it has committed, so RSS alone moves with heap sizing rather than with what the
   * sockets cost; RSS comes from /proc. Without a pid, RSS and open sessions come from each node's
   * {@code /metrics}, summed over the URLs given (no GC can be asked for there).
   */
  Future<ServerMemory> serverMemory() {
    if (serverPid != 0) {
      return vertx.executeBlocking(() -> {
        jcmd("GC.run");
        Matcher used = Pattern.compile("used (\\d+)K").matcher(jcmd("GC.heap_info"));
        return new ServerMemory(rssKiB(Path.of("/proc", Long.toString(serverPid), "status")),
            used.find() ? Long.parseLong(used.group(1)) : 0, -1, "/proc/" + serverPid + " and jcmd");
      });
    }
    return client.metrics().map(metrics -> {
      Long rss = metrics.get("process_resident_memory_bytes");
      Long sessions = metrics.get("chat_sessions_open");
      return rss == null ? null
          : new ServerMemory(rss / 1024, 0, sessions == null ? -1 : sessions, client.url() + " /metrics");
    }).otherwise(e -> null);
  }

  /** Runs a jcmd command against the server; its output, or "" when jcmd is missing or fails. */
  private String jcmd(String command) {
    try {
      Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
          Long.toString(serverPid), command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) ? output : "";
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  static long rssKiB(Path status) {
    long kib = NodeMetrics.residentKiB(status);
    if (kib < 0) {
      throw new IllegalStateException("no VmRSS in " + status + " (is --server-pid a process on this machine?)");
    }
    return kib;
  }

  /** The source address of each child: the ones given, else 127.0.0.2, .3, ... when every server is on loopback. */
  private List<String> childSources() {
    if (!sources.isEmpty()) {
      return sources;
    }
    List<String> loopback = new ArrayList<>();
    if (WireClient.Endpoint.parseAll(url).stream().allMatch(node -> isLoopback(node.host()))) {
      for (int i = 0; i < processes; i++) {
        loopback.add("127.0.0." + (2 + i % 250));
      }
    } else {
      loopback.add("");
    }
    return loopback;
  }

  private static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private List<String> command(int share, long shareRate, String source) {
    List<String> command = new ArrayList<>(List.of(
        ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()),
        "-Xmx" + workerHeap, "-cp", System.getProperty("java.class.path"), LoadTool.class.getName(),
        ConnectionsWorker.COMMAND, "--url", url, "--connections", Integer.toString(share),
        "--rate", Long.toString(Math.max(1, shareRate)), "--per-user", Integer.toString(perUser),
        "--timeout", Params.format(timeout), "--heartbeat", Params.format(heartbeat)));
    if (!source.isEmpty()) {
      command.addAll(List.of("--sources", source));
    }
    return command;
  }

  @Override
  public Map<String, Object> figures() {
    return figures;
  }

  @Override
  public Future<Void> close() {
    children.forEach(ChildWorker::destroy);
    return Future.succeededFuture();
  }

  /** A worker in a child process, driven over its standard input and output (see {@link ConnectionsWorker}). */
  static final class ChildWorker implements Worker {
    private final Process process;
    private final PrintStream commands;
    private final Promise<Void> prepared = Promise.promise();
    private final Promise<Void> opened = Promise.promise();
    private final Promise<JsonObject> result = Promise.promise();
    private long lastOpened;
    private long lastFailed;
    private long lastDropped;

    ChildWorker(Vertx vertx, List<String> command, LongAdder opened, LongAdder failed, LongAdder dropped) {
      try {
        process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start a connections worker", e);
      }
      commands = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
      Thread reader = new Thread(() -> {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = lines.readLine()) != null) {
            if (line.equals("prepared")) {
              prepared.tryComplete();
            } else if (line.equals("opened")) {
              this.opened.tryComplete();
            } else if (line.startsWith("progress ")) {
              String[] counts = line.split(" ");
              lastOpened = add(opened, lastOpened, Long.parseLong(counts[1]));
              lastFailed = add(failed, lastFailed, Long.parseLong(counts[2]));
              lastDropped = add(dropped, lastDropped, Long.parseLong(counts[3]));
            } else if (line.startsWith("result ")) {
              result.tryComplete(new JsonObject(line.substring("result ".length())));
            }
          }
        } catch (IOException e) {
          // the process went away; the promises below say so
        }
        String gone = "a connections worker exited early (status " + waitFor() + ")";
        prepared.tryFail(gone);
        this.opened.tryFail(gone);
        result.tryFail(gone);
      }, "connections-worker-" + process.pid());
      reader.setDaemon(true);
      reader.start();
    }

    private static long add(LongAdder total, long last, long now) {
      total.add(now - last);
      return now;
    }

    private int waitFor() {
      try {
        return process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
    }

    @Override
    public Future<Void> prepare() {
      return prepared.future();
    }

    @Override
    public Future<Void> open() {
      commands.println("open");
      return opened.future();
    }

    @Override
    public Future<Void> release() {
      commands.println("release");
      return result.future().mapEmpty();
    }

    @Override
    public List<String> failures() {
      return result.future().succeeded()
          ? result.future().result().getJsonArray("failures").stream().map(String::valueOf).toList() : List.of();
    }

    org.HdrHistogram.Histogram connectLatencies() {
      return result.future().succeeded() ? RunResult.decode(result.future().result().getString("connect"))
          : new org.HdrHistogram.Histogram(3);
    }

    void destroy() {
      process.destroy();
    }
  }
}
