package chat.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A SockJS client that speaks the SockJS protocol by hand, over either the XHR long-polling
 * transport ({@link #xhr}) or the SockJS WebSocket transport ({@link #webSocket}). Like
 * {@link TestSocket} it queues the chat frames it receives (unwrapping SockJS {@code a[...]}
 * frames), so a test can ask for "the next frame" without racing the server.
 *
 * <p>Over XHR it keeps one poll outstanding at all times and sends through {@code xhr_send}, one
 * request after the other so the server sees frames in the order they were sent.
 */
public final class SockJsClient {
  private final Deque<JsonObject> received = new ArrayDeque<>();
  private final Deque<Promise<JsonObject>> waiting = new ArrayDeque<>();
  private final List<String> rawFrames = new ArrayList<>();
  private final Promise<Void> opened = Promise.promise();
  private final Promise<JsonArray> closed = Promise.promise();
  private final Wire wire;
  /** The SockJS session path, {@code /sockjs/<server>/<session>}. */
  public final String sessionPath;
  public JsonObject ready;

  /** How SockJS payloads (JSON arrays of strings) leave this client. */
  private interface Wire {
    Future<Void> send(String payload);

    Future<Void> close();
  }

  private SockJsClient(String sessionPath, Wire wire) {
    this.sessionPath = sessionPath;
    this.wire = wire;
  }

  /** A fresh SockJS session path: a 3-digit server id and a random session id. */
  public static String newSessionPath() {
    return String.format("/sockjs/%03d/%s", ThreadLocalRandom.current().nextInt(1000),
        UUID.randomUUID().toString().replace("-", ""));
  }

  /** Opens a session over XHR long-polling; completes once the server's {@code o} frame arrived. */
  public static Future<SockJsClient> xhr(Vertx vertx, int port) {
    // The server closes the connection after each poll answer: never reuse connections. The wire
    // keeps the client referenced (Vert.x closes a client once it is garbage collected).
    WebClient http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(port).setKeepAlive(false));
    XhrWire wire = new XhrWire(http, newSessionPath());
    SockJsClient client = new SockJsClient(wire.path, wire);
    wire.client = client;
    wire.poll();
    return client.opened.future().map(client);
  }

  /** Opens a session over the SockJS WebSocket transport; completes once {@code o} arrived. */
  public static Future<SockJsClient> webSocket(Vertx vertx, int port) {
    String path = newSessionPath();
    // Vert.x closes a client once it is garbage collected: the wire keeps a reference for as long
    // as the session is used, and the lambda below until the connection is made.
    WebSocketClient ws = vertx.createWebSocketClient();
    return ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(path + "/websocket"))
        .compose(socket -> {
          SockJsClient client = new SockJsClient(path, new Wire() {
            private final WebSocketClient owner = ws;

            @Override
            public Future<Void> send(String payload) {
              return socket.writeTextMessage(payload);
            }

            @Override
            public Future<Void> close() {
              return socket.close().eventually(() -> owner.close());
            }
          });
          socket.textMessageHandler(client::onSockJsFrame);
          socket.closeHandler(v -> client.lost("the websocket closed (code " + socket.closeStatusCode()
              + ") without a SockJS close frame"));
          socket.exceptionHandler(e -> client.lost("websocket failed: " + e));
          return client.opened.future().map(client);
        });
  }

  /** Sends one chat frame (as a SockJS payload {@code ["<frame>"]}). */
  public Future<Void> send(JsonObject frame) {
    return sendRaw(new JsonArray().add(frame.encode()).encode());
  }

  /** Sends a raw SockJS payload, normally a JSON array of strings. */
  public Future<Void> sendRaw(String payload) {
    return wire.send(payload);
  }

  public Future<SockJsClient> auth(String token) {
    return send(new JsonObject().put("type", "auth").put("token", token)).compose(v -> next()).compose(frame -> {
      if (!"ready".equals(frame.getString("type"))) {
        return Future.failedFuture("expected ready, got " + frame.encode());
      }
      ready = frame;
      return Future.succeededFuture(this);
    });
  }

  /** Sends a text message and waits for its ack (or the error that refers to it). */
  public Future<JsonObject> sendText(String clientId, String to, String body) {
    return send(new JsonObject().put("type", "send").put("id", clientId).put("to", to).put("kind", "text")
        .put("body", body)).compose(v -> next());
  }

  /** The next chat frame received (already queued or yet to come). */
  public Future<JsonObject> next() {
    Promise<JsonObject> promise;
    synchronized (this) {
      JsonObject frame = received.poll();
      if (frame != null) {
        return Future.succeededFuture(frame);
      }
      if (closed.future().isComplete()) {
        return Future.failedFuture("SockJS session closed: " + describeClose());
      }
      promise = Promise.promise();
      waiting.add(promise);
    }
    return promise.future();
  }

  /** The next {@code n} chat frames, in order. */
  public Future<List<JsonObject>> next(int n) {
    List<JsonObject> frames = new ArrayList<>(n);
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < n; i++) {
      chain = chain.compose(v -> next().map(frame -> {
        frames.add(frame);
        return null;
      }));
    }
    return chain.map(v -> frames);
  }

  /** Every SockJS frame received so far, as sent by the server ({@code o}, {@code a[...]}, {@code c[...]}...). */
  public synchronized List<String> rawFrames() {
    return List.copyOf(rawFrames);
  }

  /** Chat frames queued but not yet asked for. */

  /** Completes with the SockJS close frame's payload {@code [code, "reason"]} once it arrives. */
  public Future<JsonArray> closed() {
    return closed.future();
  }

  /** Stops polling (XHR) or closes the websocket. */
  public Future<Void> close() {
    return wire.close();
  }

  private String describeClose() {
    Future<JsonArray> f = closed.future();
    return f.succeeded() ? "c" + f.result().encode() : String.valueOf(f.cause());
  }

  /** One SockJS frame from the server: {@code o}, {@code h}, {@code a[...]} or {@code c[...]}. */
  private void onSockJsFrame(String frame) {
    synchronized (this) {
      rawFrames.add(frame);
    }
    if (frame.equals("o")) {
      opened.tryComplete();
    } else if (frame.equals("h")) {
      return;
    } else if (frame.startsWith("a[")) {
      for (Object message : new JsonArray(frame.substring(1))) {
        deliver(new JsonObject((String) message));
      }
    } else if (frame.startsWith("c[")) {
      List<Promise<JsonObject>> failed;
      synchronized (this) {
        closed.tryComplete(new JsonArray(frame.substring(1)));
        failed = new ArrayList<>(waiting);
        waiting.clear();
      }
      opened.tryFail("closed before open: " + frame);
      failed.forEach(p -> p.tryFail("SockJS session closed: " + frame));
    } else {
      lost("unexpected SockJS frame: " + frame);
    }
  }

  private void deliver(JsonObject frame) {
    Promise<JsonObject> waiter;
    synchronized (this) {
      waiter = waiting.poll();
      if (waiter == null) {
        received.add(frame);
        return;
      }
    }
    waiter.complete(frame);
  }

  /** The transport went away without a SockJS close frame (or misbehaved). */
  private void lost(String why) {
    List<Promise<JsonObject>> failed;
    synchronized (this) {
      closed.tryFail(why);
      failed = new ArrayList<>(waiting);
      waiting.clear();
    }
    opened.tryFail(why);
    failed.forEach(p -> p.tryFail(why));
  }

  /** XHR long-polling: {@code POST <session>/xhr} to receive, {@code POST <session>/xhr_send} to send. */
  private static final class XhrWire implements Wire {
    private final WebClient http;
    private final String path;
    private SockJsClient client;
    private Future<Void> sending = Future.succeededFuture();
    private volatile boolean stopped;

    XhrWire(WebClient http, String path) {
      this.http = http;
      this.path = path;
    }

    void poll() {
      if (stopped || client.closed.future().isComplete()) {
        return;
      }
      http.post(path + "/xhr").send().onComplete(ar -> {
        if (stopped) {
          return;
        }
        if (ar.failed()) {
          client.lost("poll failed: " + ar.cause());
          return;
        }
        HttpResponse<Buffer> response = ar.result();
        if (response.statusCode() != 200) {
          client.lost("poll answered " + response.statusCode() + " " + response.bodyAsString());
          return;
        }
        // One SockJS frame per poll answer, terminated by a newline.
        String body = response.bodyAsString("UTF-8");
        client.onSockJsFrame(body.endsWith("\n") ? body.substring(0, body.length() - 1) : body);
        poll();
      });
    }

    @Override
    public synchronized Future<Void> send(String payload) {
      sending = sending.transform(previous -> http.post(path + "/xhr_send")
          .putHeader("Content-Type", "text/plain; charset=UTF-8")
          .sendBuffer(Buffer.buffer(payload))
          .compose(r -> r.statusCode() == 204 ? Future.<Void>succeededFuture()
              : Future.<Void>failedFuture("xhr_send answered " + r.statusCode() + " " + r.bodyAsString())));
      return sending;
    }

    @Override
    public Future<Void> close() {
      stopped = true;
      http.close();
      return Future.succeededFuture();
    }
  }
}
