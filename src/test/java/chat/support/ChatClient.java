package chat.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.concurrent.atomic.AtomicInteger;

/** A client of one node over real sockets: REST through WebClient, frames through {@link TestSocket}. */
public final class ChatClient {
  private static final AtomicInteger NAMES = new AtomicInteger();

  public final Vertx vertx;
  public final int port;
  public final WebClient http;
  private final WebSocketClient ws;

  /** A registered and logged-in user on one device. */
  public record User(String userId, String username, String password, String deviceId, String accessToken,
                     String refreshToken) {
  }

  public ChatClient(Vertx vertx, int port) {
    this.vertx = vertx;
    this.port = port;
    this.http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
    this.ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 20));
  }

  public static String uniqueName(String prefix) {
    return prefix + "_" + ProcessHandle.current().pid() + "_" + NAMES.incrementAndGet();
  }

  public Future<HttpResponse<Buffer>> post(String path, JsonObject body) {
    return http.post(path).sendJsonObject(body);
  }

  public Future<HttpResponse<Buffer>> get(String path, String accessToken) {
    var request = http.get(path);
    if (accessToken != null) {
      request.bearerTokenAuthentication(accessToken);
    }
    return request.send();
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
    return connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws"));
  }

  public Future<TestSocket> connect(WebSocketConnectOptions options) {
    return ws.connect(options).map(TestSocket::new);
  }

  /** Opens /ws, sends the auth frame and waits for {@code ready}. */
  public Future<TestSocket> connect(User user) {
    return connect().compose(socket -> socket.auth(user.accessToken()));
  }
}
