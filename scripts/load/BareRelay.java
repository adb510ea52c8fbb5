import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A measuring stick, not a server: a bare WebSocket relay that speaks just enough of the v1 wire
 * contract for the load tool's {@code direct} scenario (register, login, auth → ready, send → ack
 * to the sender and message to the recipient), with no store, no checks and nothing durable, on
 * the same Vert.x, JSON library and two HTTP instances as the node. What the load tool measures
 * against it is what the tool, the kernel's loopback TCP and the box cost on their own, the floor
 * under any figure of the real node (docs/performance.md, "The floor"). Any token is accepted; it
 * listens on 127.0.0.1 only.
 *
 * <p>{@code mvn -q -DskipTests package && java -cp target/chat-server.jar scripts/load/BareRelay.java 18480}
 */
public class BareRelay extends VerticleBase {
  static final Map<String, ServerWebSocket> SOCKETS = new ConcurrentHashMap<>();
  static final Map<String, String> USERS = new ConcurrentHashMap<>();
  static final AtomicLong IDS = new AtomicLong(1_000_000_000_000_000L);
  static final AtomicLong MSG = new AtomicLong();
  static int port;

  public static void main(String[] args) {
    port = Integer.parseInt(args[0]);
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(BareRelay::new, new DeploymentOptions().setInstances(2))
        .onSuccess(id -> System.out.println("relay listening on " + port))
        .onFailure(e -> { e.printStackTrace(); System.exit(1); });
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost("127.0.0.1"))
        .webSocketHandler(this::socket)
        .requestHandler(req -> {
          if (req.path().equals("/health")) {
            req.response().end("ok");
            return;
          }
          req.body().onSuccess(body -> {
            JsonObject in = body.toJsonObject();
            if (req.path().endsWith("/register")) {
              String id = Long.toString(IDS.incrementAndGet());
              USERS.put(in.getString("username"), id);
              req.response().setStatusCode(201).end(new JsonObject().put("userId", id).encode());
            } else {
              String id = USERS.get(in.getString("username"));
              req.response().setStatusCode(200).end(new JsonObject().put("userId", id).put("accessToken", id)
                  .put("refreshToken", "r").encode());
            }
          });
        })
        .listen();
  }

  private void socket(ServerWebSocket ws) {
    String[] user = new String[1];
    ws.textMessageHandler(text -> {
      JsonObject frame = new JsonObject(text);
      String type = frame.getString("type");
      if ("auth".equals(type)) {
        user[0] = frame.getString("token");
        SOCKETS.put(user[0], ws);
        ws.writeTextMessage(new JsonObject().put("type", "ready").put("userId", user[0]).put("seq", 0).encode());
      } else if ("send".equals(type)) {
        long msgId = MSG.incrementAndGet();
        long ts = System.currentTimeMillis();
        ServerWebSocket to = SOCKETS.get(frame.getString("to"));
        if (to != null) {
          to.writeTextMessage(new JsonObject().put("type", "message").put("seq", msgId).put("msgId", Long.toString(msgId))
              .put("conversation", "d:" + user[0] + ":" + frame.getString("to")).put("from", user[0])
              .put("kind", frame.getString("kind")).put("body", frame.getString("body")).put("ts", ts).encode());
        }
        ws.writeTextMessage(new JsonObject().put("type", "ack").put("id", frame.getString("id"))
            .put("msgId", Long.toString(msgId)).put("seq", msgId).put("ts", ts).encode());
      }
    });
    ws.closeHandler(v -> { if (user[0] != null) SOCKETS.remove(user[0], ws); });
  }
}
