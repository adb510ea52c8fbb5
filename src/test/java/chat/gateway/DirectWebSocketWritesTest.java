package chat.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class DirectWebSocketWritesTest {
  private static final int BURST = 2_000;
  /** Held for the test: Vert.x closes a client nothing refers to any more. */
  private WebSocketClient webSocketClient;

  @Test
  @DisplayName("An upgraded WebSocket writes directly, and a burst of writes arrives complete and in order")
  void burstArrivesInOrder(Vertx vertx, VertxTestContext testContext) {
    List<Boolean> direct = new ArrayList<>();
    server(vertx, true, (ws, isDirect) -> {
      direct.add(isDirect);
      ws.textMessageHandler(go -> { // as the gateway does, the server speaks once the client has
        for (int i = 0; i < BURST; i++) {
          ws.writeTextMessage(Integer.toString(i));
        }
      });
    }).compose(server -> connect(vertx, server)).onComplete(testContext.succeeding(client -> {
      List<String> received = new ArrayList<>();
      client.textMessageHandler(text -> {
        received.add(text);
        if (received.size() == BURST) {
          testContext.verify(() -> {
            assertThat(direct).containsExactly(true);
            assertThat(received).isEqualTo(numbers());
            testContext.completeNow();
          });
        }
      });
      client.writeTextMessage("go");
    }));
  }

  @Test
  @DisplayName("A WebSocket that was not given the direct path keeps Vert.x's write queue")
  void untouchedConnectionKeepsItsQueue(Vertx vertx, VertxTestContext testContext) {
    Promise<Boolean> direct = Promise.promise();
    server(vertx, false, (ws, isDirect) -> direct.complete(isDirect))
        .compose(server -> connect(vertx, server))
        .compose(client -> direct.future())
        .onComplete(testContext.succeeding(isDirect -> testContext.verify(() -> {
          assertThat(isDirect).isFalse();
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("A direct WebSocket still reports a full write queue to a slow reader, and drains once it reads")
  void backPressureStillWorks(Vertx vertx, VertxTestContext testContext) {
    String chunk = "x".repeat(64 * 1024);
    Promise<WebSocket> clientReady = Promise.promise();
    server(vertx, true, (ws, isDirect) -> clientReady.future().onSuccess(client -> {
      int written = 0;
      while (!ws.writeQueueFull() && written < 1_000) { // 64 MiB at most: the client reads nothing meanwhile
        ws.writeTextMessage(chunk);
        written++;
      }
      int sent = written;
      testContext.verify(() -> assertThat(ws.writeQueueFull()).as("full after %d writes", sent).isTrue());
      ws.drainHandler(v -> testContext.completeNow());
      client.resume();
    })).compose(server -> connect(vertx, server)).onComplete(testContext.succeeding(client -> {
      client.pause();
      client.textMessageHandler(text -> { });
      clientReady.complete(client);
    }));
  }

  /** A strict-thread-mode server routing /ws as the gateway does; {@code onOpen} runs on its event loop. */
  private static Future<HttpServer> server(Vertx vertx, boolean applyDirect,
                                           BiConsumer<ServerWebSocket, Boolean> onOpen) {
    Router router = Router.router(vertx);
    router.get("/ws").handler(ctx -> ctx.request().toWebSocket().onSuccess(ws -> {
      if (applyDirect) {
        DirectWebSocketWrites.apply(ctx.request().connection());
      }
      try {
        onOpen.accept(ws, DirectWebSocketWrites.isDirect(ctx.request().connection()));
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }));
    return vertx.createHttpServer(new HttpServerOptions().setStrictThreadMode(true).setHost("127.0.0.1"))
        .requestHandler(router).listen(0);
  }

  private Future<WebSocket> connect(Vertx vertx, HttpServer server) {
    webSocketClient = vertx.createWebSocketClient();
    return webSocketClient.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(server.actualPort()).setURI("/ws"));
  }

  private static List<String> numbers() {
    List<String> numbers = new ArrayList<>();
    for (int i = 0; i < BURST; i++) {
      numbers.add(Integer.toString(i));
    }
    return numbers;
  }
}
