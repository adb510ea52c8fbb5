package chat.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client of a deployment over real sockets: REST through WebClient, frames through {@link TestSocket}.
 * Given several nodes, it spreads REST calls and socket connections over them in turn, so that the
 * users of a test sit on different nodes and most conversations cross nodes.
 */
public final class ChatClient {
  private static final AtomicInteger NAMES = new AtomicInteger();
  /**
   * How long a test waits for the cluster's stages to write what was acked. Normally milliseconds;
   * a fan-out batch that hits a store timeout is retried after it, which takes seconds. Shorter than
   * a test's own 30 s timeout, so a wait that fails says what it was waiting for.
   */
  private static final int SETTLE_SECONDS = 20;
  private static final long SETTLE_NANOS = SETTLE_SECONDS * 1_000_000_000L;

  public final Vertx vertx;
  /** The first node: for tests that speak raw HTTP or WebSocket to one node. */
  public final int port;
  public final WebClient http;
  private final List<Integer> ports;
  private final List<WebClient> clients;
  private final AtomicInteger nextRequest = new AtomicInteger();
  private final AtomicInteger nextSocket = new AtomicInteger();
  private final WebSocketClient ws;

  /** A registered and logged-in user on one device. */
  public record User(String userId, String username, String password, String deviceId, String accessToken,
                     String refreshToken) {
  }

  public ChatClient(Vertx vertx, int port) {
    this(vertx, List.of(port));
  }

  public ChatClient(Vertx vertx, List<Integer> ports) {
    this.vertx = vertx;
    this.ports = List.copyOf(ports);
    this.port = ports.get(0);
    this.clients = ports.stream()
        .map(p -> WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(p)))
        .toList();
    this.http = clients.get(0);
    this.ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 20));
  }

  public static String uniqueName(String prefix) {
    return prefix + "_" + ProcessHandle.current().pid() + "_" + NAMES.incrementAndGet();
  }

  public Future<HttpResponse<Buffer>> post(String path, JsonObject body) {
    return nextClient().post(path).sendJsonObject(body);
  }

  public Future<HttpResponse<Buffer>> get(String path, String accessToken) {
    var request = nextClient().get(path);
    if (accessToken != null) {
      request.bearerTokenAuthentication(accessToken);
    }
    return request.send();
  }

  /** Any REST call with a bearer token and an optional JSON body. */
  public Future<HttpResponse<Buffer>> request(HttpMethod method, String path, String accessToken, JsonObject body) {
    var request = nextClient().request(method, path).bearerTokenAuthentication(accessToken);
    return body == null ? request.send() : request.sendJsonObject(body);
  }

  /** A request to build by hand (headers, a raw or streamed body), on the next node. */
  public HttpRequest<Buffer> raw(HttpMethod method, String path) {
    return nextClient().request(method, path);
  }

  /** Registers a fresh user and logs it in on {@code deviceId}. */
  public Future<User> newUser(String deviceId) {
    String username = uniqueName("u");
    String password = "password-" + username;
    return post("/api/v1/auth/register", new JsonObject().put("username", username).put("password", password))
        .compose(r -> r.statusCode() == 201 ? login(username, password, deviceId)
            : Future.failedFuture("register answered " + r.statusCode() + " " + r.bodyAsString()));
  }

  public Future<User> login(String username, String password, String deviceId) {
    JsonObject body = new JsonObject().put("username", username).put("password", password);
    if (deviceId != null) {
      body.put("deviceId", deviceId);
    }
    return post("/api/v1/auth/login", body).compose(r -> {
      if (r.statusCode() != 200) {
        return Future.failedFuture("login answered " + r.statusCode() + " " + r.bodyAsString());
      }
      JsonObject t = r.bodyAsJsonObject();
      return Future.succeededFuture(new User(t.getString("userId"), username, password, t.getString("deviceId"),
          t.getString("accessToken"), t.getString("refreshToken")));
    });
  }

  /** Opens /ws without authenticating. */
  public Future<TestSocket> connect() {
    int node = ports.get(Math.floorMod(nextSocket.getAndIncrement(), ports.size()));
    return connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node).setURI("/ws"));
  }

  public Future<TestSocket> connect(WebSocketConnectOptions options) {
    return ws.connect(options).map(socket -> new TestSocket(socket, ws));
  }

  /** Opens /ws, sends the auth frame and waits for {@code ready}. */
  public Future<TestSocket> connect(User user) {
    return connect().compose(socket -> socket.auth(user.accessToken()));
  }

  /**
   * Waits until {@code msgId} is the newest message of the conversation's history as {@code viewer}
   * reads it. On the embedded profile an acked message is stored already; in the cluster the fan-out
   * stage writes history (and conversation lists, before the history row) shortly after the ack.
   */
  public Future<Void> awaitStored(User viewer, String conversationId, String msgId) {
    return awaitStored(viewer, conversationId, msgId, System.nanoTime() + SETTLE_NANOS);
  }

  private Future<Void> awaitStored(User viewer, String conversationId, String msgId, long deadline) {
    return get("/api/v1/conversations/" + conversationId + "/messages?limit=1", viewer.accessToken()).compose(r -> {
      var newest = r.statusCode() == 200 ? r.bodyAsJsonObject().getJsonArray("messages") : null;
      if (newest != null && !newest.isEmpty() && msgId.equals(newest.getJsonObject(0).getString("msgId"))) {
        return Future.succeededFuture();
      }
      if (System.nanoTime() > deadline) {
        return Future.failedFuture("message " + msgId + " not in the history of " + conversationId + " after "
            + SETTLE_SECONDS + " s: " + r.statusCode() + " " + r.bodyAsString());
      }
      return vertx.timer(20).compose(t -> awaitStored(viewer, conversationId, msgId, deadline));
    });
  }

  /**
   * Waits until the user's inbox holds {@code seq} events, as the {@code ready} of a short-lived
   * session tells. On the embedded profile an acked message is in both inboxes already; in the
   * cluster the inbox stage writes them shortly after the ack.
   */
  public Future<Void> awaitInbox(User user, long seq) {
    return awaitInbox(user, seq, System.nanoTime() + SETTLE_NANOS);
  }

  private Future<Void> awaitInbox(User user, long seq, long deadline) {
    return connect(user).compose(socket -> socket.close().map(socket.ready.getLong("seq"))).compose(newest -> {
      if (newest >= seq) {
        return Future.succeededFuture();
      }
      if (System.nanoTime() > deadline) {
        return Future.failedFuture("the inbox of " + user.userId() + " holds " + newest + " events after "
            + SETTLE_SECONDS + " s, not " + seq);
      }
      return vertx.timer(20).compose(t -> awaitInbox(user, seq, deadline));
    });
  }

  private WebClient nextClient() {
    return clients.get(Math.floorMod(nextRequest.getAndIncrement(), clients.size()));
  }
}
