package chat.load;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

/**
 * The wire contract v1 as the load tool speaks it, to any deployment by URL: REST for accounts,
 * groups and history, {@code /ws} for sockets. Sockets are spread over the given local (source)
 * addresses, each with its own ephemeral-port range. Given several base URLs (the nodes of a cluster
 * without a load balancer in front), REST calls and sockets go to them in turn, as a round-robin
 * balancer would send them, so that a sender and its recipient usually sit on different nodes.
 */
public final class WireClient {
  /** A registered, logged-in user. */
  public record Account(String userId, String username, String accessToken) {
  }

  private static final String RATE_LIMITED_HINT =
      " (the server rate-limits this; run it with a load configuration, see docs/performance.md)";

  /** One node (or load balancer) the tool talks to. */
  record Endpoint(String host, int port, boolean tls, String basePath) {
    /** Every node of a {@code --url} value: one URL, or several separated by commas. */
    static List<Endpoint> parseAll(String urls) {
      List<Endpoint> all = Arrays.stream(urls.split(",")).filter(u -> !u.isBlank()).map(Endpoint::parse).toList();
      if (all.isEmpty()) {
        throw new IllegalArgumentException("--url needs at least one URL, as in http://127.0.0.1:8080");
      }
      return all;
    }

    static Endpoint parse(String url) {
      IllegalArgumentException needsHost =
          new IllegalArgumentException("--url needs a host, as in http://127.0.0.1:8080, got " + url);
      URI uri;
      try {
        uri = URI.create(url.trim());
      } catch (IllegalArgumentException e) {
        throw needsHost;
      }
      if (uri.getHost() == null) {
        throw needsHost;
      }
      boolean tls = "https".equals(uri.getScheme()) || "wss".equals(uri.getScheme());
      String path = uri.getPath() == null || uri.getPath().equals("/") ? "" : uri.getPath().replaceAll("/$", "");
      return new Endpoint(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80, tls, path);
    }

    String url() {
      return (tls ? "https://" : "http://") + host + ":" + port + basePath;
    }
  }

  private final Lanes lanes;
  private final List<Endpoint> endpoints;
  private final AtomicInteger nextEndpoint = new AtomicInteger();
  private final WebClient http;
  private final List<WebSocketClient> sockets = new ArrayList<>();
  private final AtomicInteger nextSource = new AtomicInteger();
  private final AtomicInteger nextUser = new AtomicInteger();
  private final Vertx vertx;
  private final long heartbeatMs;
  private final LongAdder closedByServer = new LongAdder();
  private final Map<String, Boolean> closeReasons = new ConcurrentHashMap<>();
  /** Usernames of this run: a random tag, so runs against one deployment never collide. */
  private final String runTag;

  /**
   * {@code heartbeat}: how often each ready socket pings; the server expects a sign of life at
   * least every 5 s by default (docs/protocol.md), and closes a socket silent for 30 s.
   */
  public WireClient(Vertx vertx, Lanes lanes, String url, List<String> sourceAddresses, boolean deflate,
                    Duration heartbeat) {
    this.vertx = vertx;
    this.heartbeatMs = Math.max(1, heartbeat.toMillis());
    this.lanes = lanes;
    this.endpoints = Endpoint.parseAll(url);
    this.http = WebClient.create(vertx, new WebClientOptions(), new PoolOptions().setHttp1MaxSize(64));
    for (String source : sourceAddresses.isEmpty() ? Collections.<String>singletonList(null) : sourceAddresses) {
      WebSocketClientOptions options = new WebSocketClientOptions()
          .setMaxConnections(Integer.MAX_VALUE)
          .setMaxFrameSize(1 << 20).setMaxMessageSize(4 << 20)
          .setConnectTimeout(30_000)
          .setTryUsePerMessageCompression(deflate);
      if (source != null) {
        options.setLocalAddress(source);
      }
      sockets.add(vertx.createWebSocketClient(options));
    }
    this.runTag = "lt" + Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36 * 36), 36);
  }

  /** The URL (or comma-separated URLs) this client drives. */
  public String url() {
    return String.join(",", endpoints.stream().map(Endpoint::url).toList());
  }

  /** The node for the next REST call or socket, in turn. */
  private Endpoint nextEndpoint() {
    return endpoints.get(Math.floorMod(nextEndpoint.getAndIncrement(), endpoints.size()));
  }

  /** Registers and logs in a new user. */
  public Future<Account> newAccount() {
    String username = runTag + "_" + nextUser.incrementAndGet();
    String password = "load-" + username;
    return post("/api/v1/auth/register", new JsonObject().put("username", username).put("password", password), null)
        .compose(r -> expect(r, 201, "register"))
        .compose(r -> post("/api/v1/auth/login", new JsonObject().put("username", username).put("password", password)
            .put("deviceId", "load"), null))
        .compose(r -> expect(r, 200, "login"))
        .map(r -> {
          JsonObject tokens = r.bodyAsJsonObject();
          return new Account(tokens.getString("userId"), username, tokens.getString("accessToken"));
        });
  }

  /** {@code count} new accounts, at most {@code concurrency} being made at a time. */
  public Future<List<Account>> newAccounts(int count, int concurrency) {
    return inBatches(count, concurrency, i -> newAccount());
  }

  /** Creates a group of {@code creator} and {@code members}; completes with the created group (groupId, conversationId). */
  public Future<JsonObject> createGroup(Account creator, String title, List<String> memberIds) {
    return post("/api/v1/groups", new JsonObject().put("title", title).put("members", new JsonArray(memberIds)),
        creator.accessToken())
        .compose(r -> expect(r, 201, "create group"))
        .map(HttpResponse::bodyAsJsonObject);
  }

  /** One history page over REST: the response's messages. */
  public Future<JsonArray> historyPage(Account viewer, String conversationId, String before, int limit) {
    Endpoint node = nextEndpoint();
    var request = http.get(node.port(), node.host(), node.basePath() + "/api/v1/conversations/" + conversationId + "/messages")
        .ssl(node.tls())
        .addQueryParam("limit", Integer.toString(limit)).bearerTokenAuthentication(viewer.accessToken());
    if (before != null) {
      request.addQueryParam("before", before);
    }
    return request.send().compose(r -> expect(r, 200, "history")).map(r -> r.bodyAsJsonObject().getJsonArray("messages"));
  }

  /** Opens {@code /ws} on the next lane and source address, authenticates, and completes at {@code ready}. */
  public Future<LoadSocket> connect(Account account) {
    WebSocketClient client = sockets.get(Math.floorMod(nextSource.getAndIncrement(), sockets.size()));
    Endpoint node = nextEndpoint();
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(node.host()).setPort(node.port())
        .setSsl(node.tls()).setURI(node.basePath() + "/ws");
    return lanes.onNext(() -> client.connect(options).compose(ws -> {
      LoadSocket socket = new LoadSocket(vertx, ws, heartbeatMs, (code, reason) -> {
        closedByServer.increment();
        if (closeReasons.size() < 10) {
          closeReasons.put(code + " " + reason, Boolean.TRUE);
        }
      });
      return socket.auth(account.accessToken()).map(ready -> socket)
          .onFailure(e -> socket.close());
    }));
  }

  /** One socket per account, at most {@code concurrency} opening at a time. */
  public Future<List<LoadSocket>> connectAll(List<Account> accounts, int concurrency) {
    return inBatches(accounts.size(), concurrency, i -> connect(accounts.get(i)));
  }

  /**
   * Every node's {@code GET /metrics} (Prometheus text), each gauge summed over the nodes. Fails
   * when a node does not serve it (turned off, or a load balancer in front that hides it).
   */
  public Future<Map<String, Long>> metrics() {
    List<Future<String>> scrapes = endpoints.stream().map(node -> http.get(node.port(), node.host(), node.basePath() + "/metrics")
        .ssl(node.tls()).send().compose(r -> expect(r, 200, "GET /metrics")).map(HttpResponse::bodyAsString)).toList();
    return Future.all(scrapes).map(all -> {
      Map<String, Long> sums = new HashMap<>();
      for (Future<String> scrape : scrapes) {
        for (String line : scrape.result().split("\n")) {
          String[] parts = line.trim().split("\\s+");
          if (parts.length == 2 && !line.startsWith("#") && parts[1].matches("-?\\d+")) {
            sums.merge(parts[0], Long.parseLong(parts[1]), Long::sum);
          }
        }
      }
      return sums;
    });
  }

  /**
   * Sockets the server closed while the tool still used them, with up to ten distinct close codes
   * and reasons: empty in a sound run.
   */
  public Map<String, Object> serverCloses() {
    long count = closedByServer.sum();
    return count == 0 ? Map.of()
        : Map.of("closed by server", count + " sockets (" + String.join("; ", closeReasons.keySet()) + ")");
  }

  public Future<Void> close() {
    List<Future<?>> closing = new ArrayList<>();
    sockets.forEach(s -> closing.add(s.close()));
    http.close();
    return Future.join(closing).mapEmpty();
  }

  /** Runs {@code count} tasks, {@code concurrency} at a time, keeping results in task order. */
  <T> Future<List<T>> inBatches(int count, int concurrency, IntFunction<Future<T>> task) {
    List<T> results = new ArrayList<>(Collections.nCopies(count, null));
    AtomicInteger next = new AtomicInteger();
    List<Future<Void>> workers = new ArrayList<>();
    for (int w = 0; w < Math.min(Math.max(1, concurrency), count); w++) {
      workers.add(drain(next, count, task, results));
    }
    return Future.all(workers).map(v -> results);
  }

  private <T> Future<Void> drain(AtomicInteger next, int count, IntFunction<Future<T>> task, List<T> results) {
    int i = next.getAndIncrement();
    if (i >= count) {
      return Future.succeededFuture();
    }
    return task.apply(i).compose(result -> {
      synchronized (results) {
        results.set(i, result);
      }
      return drain(next, count, task, results);
    });
  }

  private Future<HttpResponse<Buffer>> post(String path, JsonObject body, String accessToken) {
    Endpoint node = nextEndpoint();
    var request = http.post(node.port(), node.host(), node.basePath() + path).ssl(node.tls());
    if (accessToken != null) {
      request.bearerTokenAuthentication(accessToken);
    }
    return request.sendJsonObject(body);
  }

  private static Future<HttpResponse<Buffer>> expect(HttpResponse<Buffer> response, int status, String what) {
    if (response.statusCode() == status) {
      return Future.succeededFuture(response);
    }
    return Future.failedFuture(what + " answered " + response.statusCode() + " " + response.bodyAsString()
        + (response.statusCode() == 429 ? RATE_LIMITED_HINT : ""));
  }
}
