package chat.load;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;

/**
 * One authenticated client socket of the load tool. After {@code ready}, every frame the server
 * sends goes to the scenario's frame handler, on the socket's own event loop. Like a real client it
 * shows a sign of life (a WebSocket ping) every heartbeat interval once ready: a silent socket is
 * closed by the server (4408) after its heartbeat timeout, and a receive-only socket is silent.
 */
public final class LoadSocket {
  /** Told when the server, not the tool, closes a socket: the run's figures are then suspect. */
  interface CloseListener {
    void closedByServer(Short statusCode, String reason);
  }

  private final WebSocket ws;
  private final Promise<Void> closed = Promise.promise();
  private volatile boolean closing;
  private volatile Consumer<JsonObject> frames = frame -> { };
  private Promise<JsonObject> ready = Promise.promise();

  LoadSocket(Vertx vertx, WebSocket ws, long heartbeatMs, CloseListener listener) {
    this.ws = ws;
    ws.textMessageHandler(text -> {
      JsonObject frame = new JsonObject(text);
      if (ready != null) {
        Promise<JsonObject> authenticated = ready;
        ready = null;
        if ("ready".equals(frame.getString("type"))) {
          long heartbeat = vertx.setPeriodic(heartbeatMs, id -> ws.writePing(Buffer.buffer()));
          closed.future().onComplete(v -> vertx.cancelTimer(heartbeat));
          authenticated.complete(frame);
        } else {
          authenticated.fail("expected ready, got " + text);
        }
      } else {
        frames.accept(frame);
      }
    });
    ws.closeHandler(v -> {
      if (ready != null) {
        ready.tryFail("socket closed with " + ws.closeStatusCode() + " before ready");
      } else if (!closing) {
        listener.closedByServer(ws.closeStatusCode(), ws.closeReason());
      }
      closed.tryComplete();
    });
  }

  /** Sends the {@code auth} frame; completes with the {@code ready} frame. */
  Future<JsonObject> auth(String accessToken) {
    Promise<JsonObject> awaited = ready;
    send(new JsonObject().put("type", "auth").put("token", accessToken));
    return awaited.future();
  }

  /** Where frames after {@code ready} go (pushed messages, acks, pages, errors). */
  public void onFrame(Consumer<JsonObject> handler) {
    this.frames = handler;
  }

  public void send(JsonObject frame) {
    ws.writeTextMessage(frame.encode());
  }

  /** Completes when the socket has closed, from either side. */
  public Future<Void> closed() {
    return closed.future();
  }

  public boolean isClosed() {
    return ws.isClosed();
  }

  public Future<Void> close() {
    closing = true;
    return ws.isClosed() ? Future.succeededFuture() : ws.close();
  }
}
