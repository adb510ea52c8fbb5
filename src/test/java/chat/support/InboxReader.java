package chat.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A device that follows docs/protocol.md's client guide: it keeps the last applied seq, applies
 * events strictly in seq order (duplicates ignored, a gap answered with a sync), syncs after every
 * (re)connect, and reconnects to another node when its socket dies. Tests read what it applied.
 */
public final class InboxReader {
  private final Vertx vertx;
  private final WebSocketClient client;
  private final Supplier<List<Integer>> ports;
  private final ChatClient.User user;
  private final List<JsonObject> applied = new ArrayList<>();
  private long lastSeq;
  /** The highest seq seen live; above lastSeq it means a gap that the running sync may not cover. */
  private long highestSeen;
  private boolean syncing;
  private WebSocket socket;
  private Promise<List<JsonObject>> waiting;
  private int wanted;
  private boolean closed;

  public InboxReader(Vertx vertx, Supplier<List<Integer>> ports, ChatClient.User user) {
    this.vertx = vertx;
    this.client = vertx.createWebSocketClient();
    this.ports = ports;
    this.user = user;
  }

  /** Connects (to the first port that answers) and keeps following the inbox. */
  public Future<InboxReader> start() {
    return connect(0).map(this);
  }

  /**
   * Completes with the applied events, in seq order, once there are at least {@code count}; fails
   * after 60 s saying how far it got, so a stuck inbox shows up as a clear failure.
   */
  public Future<List<JsonObject>> awaitEvents(int count) {
    Promise<List<JsonObject>> promise = Promise.promise();
    vertx.runOnContext(v -> {
      wanted = count;
      waiting = promise;
      check();
      vertx.setTimer(60_000, t -> promise.tryFail("inbox of " + user.username() + " stuck: applied "
          + applied.size() + " of " + count + ", last seq " + lastSeq + ", syncing " + syncing
          + ", connected " + (socket != null)));
    });
    return promise.future();
  }

  public void close() {
    closed = true;
    if (socket != null) {
      socket.close();
    }
  }

  private Future<Void> connect(int attempt) {
    List<Integer> candidates = ports.get();
    int port = candidates.get(attempt % candidates.size());
    return client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws")
            .addHeader("Authorization", "Bearer " + user.accessToken()))
        .compose(ws -> {
          socket = ws;
          syncing = false;
          ws.textMessageHandler(text -> onFrame(new JsonObject(text)));
          ws.closeHandler(v -> reconnectLater());
          return Future.<Void>succeededFuture();
        })
        .recover(e -> attempt > 200 ? Future.failedFuture(e)
            : delay(250).compose(v -> connect(attempt + 1)));
  }

  private void reconnectLater() {
    if (!closed) {
      delay(250).onComplete(v -> connect(0));
    }
  }

  private Future<Void> delay(long ms) {
    Promise<Void> promise = Promise.promise();
    vertx.setTimer(ms, t -> promise.complete());
    return promise.future();
  }

  private void onFrame(JsonObject frame) {
    switch (frame.getString("type")) {
      case "ready" -> sync();
      case "synced" -> {
        syncing = false;
        // more to page, or a push arrived during the sync for an event stored after it had read
        if (frame.getBoolean("more") || highestSeen > lastSeq) {
          sync();
        }
      }
      case "message" -> apply(frame);
      case "error" -> {
        if (syncing) { // the sync failed (a store was down): try again shortly
          syncing = false;
          delay(500).onComplete(v -> sync());
        }
      }
      default -> { }
    }
  }

  private void apply(JsonObject event) {
    long seq = event.getLong("seq");
    highestSeen = Math.max(highestSeen, seq);
    if (seq == lastSeq + 1) {
      applied.add(event);
      lastSeq = seq;
      check();
    } else if (seq > lastSeq + 1 && !syncing) {
      sync(); // a gap: fetch what is missing
    }
  }

  private void sync() {
    if (closed || socket == null) {
      return;
    }
    syncing = true;
    socket.writeTextMessage(new JsonObject().put("type", "sync").put("since", lastSeq).put("limit", 500).encode());
  }

  private void check() {
    if (waiting != null && applied.size() >= wanted) {
      waiting.tryComplete(List.copyOf(applied));
    }
  }
}
