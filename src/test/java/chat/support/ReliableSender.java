package chat.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A sender that follows docs/protocol.md's client guide for faults: one message in flight, and a
 * send that gets no ack (an error, a dead socket, or silence) is sent again with the same id,
 * reconnecting to another node when needed. It finishes when every message has its ack.
 */
public final class ReliableSender {
  private static final long ANSWER_TIMEOUT_MS = 15_000;
  private static final long RETRY_DELAY_MS = 300;

  private final Vertx vertx;
  private final WebSocketClient client;
  private final Supplier<List<Integer>> ports;
  private final ChatClient.User user;
  private final String to;
  private final String idPrefix;
  private final int count;
  private final long pauseMs;
  private final Map<String, String> acked = new LinkedHashMap<>();
  private final Promise<Map<String, String>> done = Promise.promise();
  private WebSocket socket;
  private int next;
  private int attempt;
  private long answerTimer = -1;

  public ReliableSender(Vertx vertx, Supplier<List<Integer>> ports, ChatClient.User user, String to, String idPrefix,
                        int count, long pauseMs) {
    this.vertx = vertx;
    this.client = vertx.createWebSocketClient();
    this.ports = ports;
    this.user = user;
    this.to = to;
    this.idPrefix = idPrefix;
    this.count = count;
    this.pauseMs = pauseMs;
  }

  /** Runs until every message is acked; completes with client id → msgId, in send order. */
  public Future<Map<String, String>> run() {
    vertx.runOnContext(v -> connectAndSend());
    return done.future();
  }

  /** How many are acked so far. */
  public int ackedCount() {
    return acked.size();
  }

  private void connectAndSend() {
    List<Integer> candidates = ports.get();
    int port = candidates.get(attempt++ % candidates.size());
    client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws")
            .addHeader("Authorization", "Bearer " + user.accessToken()))
        .onSuccess(ws -> {
          socket = ws;
          ws.textMessageHandler(text -> onFrame(ws, new JsonObject(text)));
          ws.closeHandler(v -> {
            if (socket == ws) {
              socket = null;
              retryLater();
            }
          });
        })
        .onFailure(e -> retryLater());
  }

  private void onFrame(WebSocket ws, JsonObject frame) {
    String id = idPrefix + next;
    switch (frame.getString("type")) {
      case "ready" -> sendCurrent();
      case "ack" -> {
        if (id.equals(frame.getString("id"))) {
          vertx.cancelTimer(answerTimer);
          acked.put(id, frame.getString("msgId"));
          next++;
          if (next == count) {
            ws.close();
            socket = null;
            done.tryComplete(acked);
          } else {
            vertx.setTimer(Math.max(1, pauseMs), t -> sendCurrent());
          }
        }
      }
      case "error" -> {
        if (id.equals(frame.getString("ref"))) {
          vertx.cancelTimer(answerTimer);
          if (!"internal".equals(frame.getString("code"))) {
            done.tryFail("send " + id + " refused: " + frame.encode());
            return;
          }
          vertx.setTimer(RETRY_DELAY_MS, t -> sendCurrent());
        }
      }
      default -> { }
    }
  }

  private void sendCurrent() {
    if (socket == null || done.future().isComplete()) {
      return;
    }
    WebSocket ws = socket;
    String id = idPrefix + next;
    ws.writeTextMessage(new JsonObject().put("type", "send").put("id", id).put("to", to).put("kind", "text")
        .put("body", id).encode());
    answerTimer = vertx.setTimer(ANSWER_TIMEOUT_MS, t -> ws.close()); // silence: reconnect and resend
  }

  private void retryLater() {
    if (!done.future().isComplete()) {
      vertx.cancelTimer(answerTimer);
      vertx.setTimer(RETRY_DELAY_MS, t -> connectAndSend());
    }
  }
}
