package chat.gateway;

import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.VertxConnection;

/**
 * Lets the frames a WebSocket is sent by one event-loop task, and by the tasks already queued behind
 * it, leave in one write to the socket instead of one write each.
 *
 * <p>Vert.x flushes every frame written outside the connection's own read, and a socket's frames
 * are written so: the acks and messages of a group commit reach the gateway as event-bus deliveries,
 * one task each. Each flush is a write syscall, and on loopback the receiving side's TCP work runs
 * inside it: 42 % of the event loops' CPU at the closed loop's maximum (docs/performance.md, change
 * 13). Netty's {@link FlushConsolidationHandler}, at the head of the pipeline, turns a flush outside
 * a read into one flush queued on the event loop, which then carries everything written up to it
 * (at most {@value #FLUSH_AFTER} flushes' worth, which bounds what a busy socket holds back).
 *
 * <p>A gateway socket gets the handler with its second frame ({@code ClientEdge}): an idle socket,
 * sent nothing after {@code ready}, does without its ~120 bytes of heap (docs/performance.md,
 * connections).
 */
final class CoalescedFlushes {
  static final int FLUSH_AFTER = 64;
  static final String HANDLER_NAME = "chat.coalescedFlushes";

  private CoalescedFlushes() {
  }

  /** Call on the connection's event loop once {@code upgraded} (a request's connection) has become a WebSocket. */
  static void apply(HttpConnection upgraded) {
    if (upgraded instanceof VertxConnection connection) {
      // named, since a generated name is a new string per socket
      connection.channelHandlerContext().pipeline().addFirst(HANDLER_NAME, new FlushConsolidationHandler(FLUSH_AFTER, true));
    }
  }
}
