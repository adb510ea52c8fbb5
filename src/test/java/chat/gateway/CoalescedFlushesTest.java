package chat.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.impl.VertxConnection;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class CoalescedFlushesTest {
  private static final int FRAMES = 100;
  /** Held for the test: Vert.x closes a client nothing refers to any more. */
  private WebSocketClient webSocketClient;

  @Test
  @DisplayName("Frames written to a WebSocket by one event-loop task reach the socket in a flush per 64, complete and in order")
  void framesOfOneTaskShareAFlush(Vertx vertx, VertxTestContext testContext) {
    AtomicInteger flushes = new AtomicInteger();
    Router router = Router.router(vertx);
    router.get("/ws").handler(ctx -> ctx.request().toWebSocket().onSuccess(ws -> {
      CoalescedFlushes.apply(ctx.request().connection());
      // counts the flushes that reach the socket, behind the coalescing
      ((VertxConnection) ctx.request().connection()).channelHandlerContext().pipeline()
          .addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void flush(ChannelHandlerContext channel) {
              flushes.incrementAndGet();
              channel.flush();
            }
          });
      // the server speaks once the client has (as the gateway does), in a task of its own outside
      // the connection's read, as a delivery from the event bus is
      ws.textMessageHandler(go -> vertx.getOrCreateContext().runOnContext(v -> {
        for (int i = 0; i < FRAMES; i++) {
          ws.writeTextMessage(Integer.toString(i));
        }
      }));
    }));
    vertx.createHttpServer(new HttpServerOptions().setStrictThreadMode(true).setHost("127.0.0.1"))
        .requestHandler(router).listen(0)
        .compose(this::connect)
        .onComplete(testContext.succeeding(client -> {
          List<String> received = new ArrayList<>();
          client.textMessageHandler(text -> {
            received.add(text);
            if (received.size() == FRAMES) {
              testContext.verify(() -> {
                assertThat(received).isEqualTo(IntStream.range(0, FRAMES).mapToObj(Integer::toString).toList());
                assertThat(flushes.get()).isBetween(1, FRAMES / CoalescedFlushes.FLUSH_AFTER + 1);
                testContext.completeNow();
              });
            }
          });
          client.writeTextMessage("go");
        }));
  }

  @Test
  @DisplayName("A gateway socket gets the coalescing handler with its second frame, so an idle one never carries it")
  void handlerFromTheSecondFrame(Vertx vertx, VertxTestContext testContext) {
    List<Boolean> installedAfter = new ArrayList<>();
    Router router = Router.router(vertx);
    router.get("/ws").handler(ctx -> ctx.request().toWebSocket().onSuccess(ws -> {
      VertxConnection connection = (VertxConnection) ctx.request().connection();
      Transport transport = ClientEdge.webSocketTransport(ws, ctx.request().connection());
      for (String frame : List.of("ready", "second", "third")) {
        transport.send(frame);
        installedAfter.add(connection.channelHandlerContext().pipeline().get(CoalescedFlushes.HANDLER_NAME) != null);
      }
    }));
    vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1")).requestHandler(router).listen(0)
        .compose(this::connect)
        .onComplete(testContext.succeeding(client -> {
          List<String> received = new ArrayList<>();
          client.textMessageHandler(text -> {
            received.add(text);
            if (received.size() == 3) {
              testContext.verify(() -> {
                assertThat(received).containsExactly("ready", "second", "third");
                assertThat(installedAfter).containsExactly(false, true, true);
                testContext.completeNow();
              });
            }
          });
        }));
  }

  private Future<io.vertx.core.http.WebSocket> connect(HttpServer server) {
    webSocketClient = Vertx.currentContext().owner().createWebSocketClient();
    return webSocketClient.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(server.actualPort()).setURI("/ws"));
  }
}
