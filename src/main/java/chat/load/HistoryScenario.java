package chat.load;

import chat.load.WireClient.Account;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code history}: the latency of one page of history on a conversation of N messages, at random
 * depths (a {@code before} drawn uniformly from the whole conversation), {@code concurrency}
 * requests in flight, over the socket's {@code history} frame or over REST.
 */
public final class HistoryScenario implements Scenario {
  static final String PAGES = "pages";
  static final String SHORT_PAGES = "short pages";
  static final String ERRORS = "errors";
  static final String PAGE = "page";

  private final Vertx vertx;
  private final WireClient client;
  private final PrintStream out;
  private final int messages;
  private final int page;
  private final int concurrency;
  private final boolean overRest;
  private final int size;
  private final Duration warmup;
  private final Duration duration;
  private final Map<String, Promise<Integer>> pending = new ConcurrentHashMap<>();
  private Account reader;
  private LoadSocket socket;
  private String conversationId;
  private long[] msgIds;
  private volatile boolean stopped;

  public HistoryScenario(Vertx vertx, WireClient client, Params params, PrintStream out) {
    this.vertx = vertx;
    this.client = client;
    this.out = out;
    this.messages = params.integer("messages", 100_000);
    this.page = params.integer("page", 50);
    this.concurrency = params.integer("concurrency", 4);
    String via = params.string("via", "socket");
    if (!via.equals("socket") && !via.equals("rest")) {
      throw new IllegalArgumentException("--via is socket or rest, got " + via);
    }
    this.overRest = via.equals("rest");
    this.size = params.integer("size", 100);
    this.warmup = params.duration("warmup", Duration.ofSeconds(5));
    this.duration = params.duration("duration", Duration.ofSeconds(30));
    if (messages <= page) {
      throw new IllegalArgumentException("--messages must be more than --page");
    }
  }

  @Override
  public String description() {
    return String.format(Locale.ROOT, "history over %s: pages of %d at random depths of a %,d-message conversation, "
        + "%d in flight", overRest ? "REST" : "the socket", page, messages, concurrency);
  }

  @Override
  public List<String> latencies() {
    return List.of(PAGE);
  }

  @Override
  public List<String> counters() {
    return List.of(PAGES, SHORT_PAGES, ERRORS);
  }

  @Override
  public Future<Void> prepare() {
    return client.newAccounts(2, 2).compose(accounts -> {
      reader = accounts.get(0);
      String peer = accounts.get(1).userId();
      conversationId = "d:" + (reader.userId().compareTo(peer) < 0 ? reader.userId() + ":" + peer
          : peer + ":" + reader.userId());
      return client.connect(reader)
          .compose(s -> {
            socket = s;
            return Seeder.seed(vertx, s, peer, messages, size, out);
          })
          .map(ids -> {
            msgIds = ids;
            return null;
          });
    });
  }

  @Override
  public Future<Void> run(Measurement m) {
    socket.onFrame(frame -> {
      String id = frame.getString(frame.containsKey("ref") ? "ref" : "id");
      Promise<Integer> answer = id == null ? null : pending.remove(id);
      if (answer == null) {
        return;
      }
      if ("history".equals(frame.getString("type"))) {
        answer.complete(frame.getJsonArray("messages").size());
      } else {
        answer.fail(frame.encode());
      }
    });
    m.start(warmup);
    for (int i = 0; i < concurrency; i++) {
      requestLoop(i, 0, m);
    }
    return m.windowOf(duration).compose(v -> {
      stopped = true;
      m.endWindow();
      return Waits.until(vertx, pending::isEmpty, Duration.ofSeconds(10));
    });
  }

  private void requestLoop(int worker, long n, Measurement m) {
    if (stopped) {
      return;
    }
    // a before with at least a full page older than it
    String before = Long.toString(msgIds[ThreadLocalRandom.current().nextInt(page, msgIds.length)]);
    long start = System.nanoTime();
    Future<Integer> answer;
    if (overRest) {
      answer = client.historyPage(reader, conversationId, before, page).map(JsonArray::size);
    } else {
      String id = Stamp.id(worker, n, start);
      Promise<Integer> promise = Promise.promise();
      pending.put(id, promise);
      socket.send(new JsonObject().put("type", "history").put("id", id).put("conversation", conversationId)
          .put("before", before).put("limit", page));
      answer = promise.future();
    }
    answer.onComplete(ar -> {
      if (ar.succeeded()) {
        m.latency(PAGE).record(start, System.nanoTime());
        m.counter(PAGES).increment();
        if (ar.result() < page) {
          m.counter(SHORT_PAGES).increment();
        }
      } else {
        m.counter(ERRORS).increment();
      }
      requestLoop(worker, n + 1, m);
    });
  }

  @Override
  public Map<String, Object> figures() {
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("conversation", conversationId);
    return figures;
  }

  @Override
  public Future<Void> close() {
    return socket == null ? Future.succeededFuture() : socket.close();
  }
}
