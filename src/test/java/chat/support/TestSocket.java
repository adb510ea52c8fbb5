package chat.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A WebSocket that queues the frames it receives, so a test can ask for "the next frame" without
 * racing the server. {@link #ready} holds the {@code ready} frame after {@link #auth}.
 */
public final class TestSocket {
  public final WebSocket ws;
  /**
   * The client that opened the socket, kept reachable for as long as the socket is: Vert.x shuts a
   * garbage-collected client down with a 30 s grace, which a test's {@code vertx.close()} then waits
   * out (a cluster test once timed out so at teardown).
   */
  @SuppressWarnings("unused")
  private final WebSocketClient client;
  private final Deque<JsonObject> received = new ArrayDeque<>();
  private final Deque<Promise<JsonObject>> waiting = new ArrayDeque<>();
  private final Promise<Short> closed = Promise.promise();
  public JsonObject ready;

  TestSocket(WebSocket ws, WebSocketClient client) {
    this.ws = ws;
    this.client = client;
    ws.textMessageHandler(text -> {
      JsonObject frame = new JsonObject(text);
      Promise<JsonObject> waiter = waiting.poll();
      if (waiter != null) {
        waiter.complete(frame);
      } else {
        received.add(frame);
      }
    });
    ws.closeHandler(v -> {
      closed.tryComplete(ws.closeStatusCode());
      Promise<JsonObject> waiter;
      while ((waiter = waiting.poll()) != null) {
        waiter.tryFail("socket closed with " + ws.closeStatusCode());
      }
    });
  }

  public Future<TestSocket> auth(String token) {
    send(new JsonObject().put("type", "auth").put("token", token));
    return next().compose(frame -> {
      if (!"ready".equals(frame.getString("type"))) {
        return Future.failedFuture("expected ready, got " + frame.encode());
      }
      ready = frame;
      return Future.succeededFuture(this);
    });
  }

  public void send(JsonObject frame) {
    ws.writeTextMessage(frame.encode());
  }

  /** The next frame received (already queued or yet to come). */
  public Future<JsonObject> next() {
    JsonObject frame = received.poll();
    if (frame != null) {
      return Future.succeededFuture(frame);
    }
    Promise<JsonObject> promise = Promise.promise();
    waiting.add(promise);
    return promise.future();
  }

  /** Sends a frame and waits for its answer (the ack, history page or error naming its id), skipping pushed frames. */
  public Future<JsonObject> answer(JsonObject frame) {
    send(frame);
    return answerTo(frame.getString("id"));
  }

  private Future<JsonObject> answerTo(String id) {
    return next().compose(frame -> {
      String type = frame.getString("type");
      // an error names the frame in ref; an ack or a history page in id (a pushed message's id is its own)
      boolean answers = "error".equals(type) ? id.equals(frame.getString("ref"))
          : !"message".equals(type) && id.equals(frame.getString("id"));
      return answers ? Future.succeededFuture(frame) : answerTo(id);
    });
  }

  /** The next message frame of kind {@code kind}, skipping other frames. */
  public Future<JsonObject> nextOfKind(String kind) {
    return next().compose(frame -> "message".equals(frame.getString("type")) && kind.equals(frame.getString("kind"))
        ? Future.succeededFuture(frame) : nextOfKind(kind));
  }

  /** The next system message announcing an event of {@code type} (a group change), skipping other frames. */
  public Future<JsonObject> nextEvent(String type) {
    return nextOfKind("system").compose(frame -> type.equals(frame.getJsonObject("event").getString("type"))
        ? Future.succeededFuture(frame) : nextEvent(type));
  }

  /** The next {@code n} frames, in order. */
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

  /** Sends a text message and waits for its ack (or the error that refers to it). */
  public Future<JsonObject> sendText(String clientId, String to, String body) {
    send(new JsonObject().put("type", "send").put("id", clientId).put("to", to).put("kind", "text").put("body", body));
    return next();
  }


  /** Completes with the close status code when the server (or the test) closes the socket. */
  public Future<Short> closed() {
    return closed.future();
  }

  public Future<Void> close() {
    return ws.close();
  }
}
