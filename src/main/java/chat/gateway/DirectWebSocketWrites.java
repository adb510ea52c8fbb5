package chat.gateway;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.VertxConnection;
import io.vertx.core.net.impl.VertxHandler;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives an upgraded WebSocket connection the direct write path that Vert.x's strict thread mode
 * gives the HTTP/1.1 connection it came from ({@code HttpServerOptions.setStrictThreadMode}, set in
 * GatewayVerticle). Vert.x 5.0.7 does not pass that mode on to the upgraded connection
 * ({@code ServerWebSocketHandshaker} uses the non-strict constructor), which then carries a queue
 * for writes from other threads whose first chunk (~4.1 KiB) is allocated per connection, used or
 * not: ~40 % of an idle socket's server memory (docs/performance.md, connections).
 *
 * <p>The direct path requires every write to happen on the connection's event loop. Here they do:
 * a socket is written only by its Session, which lives in the SessionRegistry of the gateway
 * instance that accepted it, confined to that instance's event loop, the connection's own.
 *
 * <p>This reaches into Vert.x's private state. Should a Vert.x version move it, the swap is
 * skipped, logged once, and sockets keep the queue: more memory per socket, the same behaviour.
 */
final class DirectWebSocketWrites {
  private static final Logger LOG = LoggerFactory.getLogger(DirectWebSocketWrites.class);
  private static final Field QUEUE;
  private static final Constructor<?> DIRECT_QUEUE;

  static {
    Field queue = null;
    Constructor<?> direct = null;
    try {
      queue = VertxConnection.class.getDeclaredField("outboundMessageQueue");
      queue.setAccessible(true);
      direct = Class.forName(VertxConnection.class.getName() + "$DirectOutboundMessageQueue")
          .getDeclaredConstructor(VertxConnection.class);
      direct.setAccessible(true);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.info("WebSocket connections keep Vert.x's cross-thread write queue (~4 KiB each): {}", e.toString());
      queue = null;
      direct = null;
    }
    QUEUE = queue;
    DIRECT_QUEUE = direct;
  }

  private DirectWebSocketWrites() {
  }

  /**
   * Call on the connection's event loop once {@code upgraded} (a request's connection) has become a
   * WebSocket, before anything is written to that WebSocket. Leaves the connection as it is when it
   * cannot tell that this is so.
   */
  static void apply(HttpConnection upgraded) {
    VertxConnection webSocket = webSocketOf(upgraded);
    if (webSocket == null) {
      return;
    }
    try {
      QUEUE.set(webSocket, DIRECT_QUEUE.newInstance(webSocket));
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn("could not give a WebSocket connection the direct write path: {}", e.toString());
    }
  }

  /** Whether the WebSocket that {@code upgraded} became writes directly; for tests. */
  static boolean isDirect(HttpConnection upgraded) throws IllegalAccessException {
    VertxConnection webSocket = webSocketOf(upgraded);
    return webSocket != null && QUEUE.get(webSocket).getClass() == DIRECT_QUEUE.getDeclaringClass();
  }

  /** The connection now serving the channel of {@code upgraded}, if that is a WebSocket's on this thread. */
  private static VertxConnection webSocketOf(HttpConnection upgraded) {
    if (QUEUE == null || !(upgraded instanceof VertxConnection http)
        || !http.channelHandlerContext().executor().inEventLoop()) {
      return null;
    }
    VertxHandler<?> handler = http.channelHandlerContext().pipeline().get(VertxHandler.class);
    VertxConnection current = handler == null ? null : handler.getConnection();
    // the upgrade replaced the HTTP connection's handler with the WebSocket connection's
    return current != http ? current : null;
  }
}
