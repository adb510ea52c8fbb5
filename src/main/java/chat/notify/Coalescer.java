package chat.notify;

import chat.delivery.SessionDirectory;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At most one notification per user per window. The first message for an offline user is notified
 * at once and opens a window; messages within it are gathered and notified together when it closes
 * (the trailing notification), which opens the next window. When the window closes the directory is
 * asked again, and a user who is back online gets nothing: the gathered messages are dropped (the
 * devices have them live or by sync) and the next message starts afresh. A window that closes with
 * nothing gathered ends, so the user costs no memory until their next message.
 *
 * <p>Runs on the notification verticle's event loop only, so the map needs no locking. Gathered
 * messages live in memory: a node that stops drops the trailing notifications it has not sent.
 */
final class Coalescer {
  private static final Logger LOG = LoggerFactory.getLogger(Coalescer.class);

  private final Vertx vertx;
  private final long windowMs;
  private final SessionDirectory directory;
  private final Consumer<Notification> dispatch;
  /** User → the messages gathered in their open window. */
  private final Map<String, Batch> windows = new HashMap<>();

  Coalescer(Vertx vertx, long windowMs, SessionDirectory directory, Consumer<Notification> dispatch) {
    this.vertx = vertx;
    this.windowMs = windowMs;
    this.directory = directory;
    this.dispatch = dispatch;
  }

  /** A message for a user the delivery found with no live session. */
  void offlineMessage(String userId, String from, String conversation, long ts) {
    Batch gathered = windows.get(userId);
    if (gathered != null) {
      gathered.add(from, conversation, ts);
      return;
    }
    Batch first = new Batch();
    first.add(from, conversation, ts);
    openWindow(userId);
    dispatch.accept(first.toNotification(userId));
  }

  private void openWindow(String userId) {
    windows.put(userId, new Batch());
    vertx.setTimer(windowMs, timer -> closeWindow(userId));
  }

  private void closeWindow(String userId) {
    Batch gathered = windows.get(userId);
    if (gathered.isEmpty()) {
      windows.remove(userId);
      return;
    }
    // Messages that arrive during the lookup still join this batch.
    directory.nodesOf(userId).onComplete(nodes -> {
      if (nodes.succeeded() && !nodes.result().isEmpty()) {
        windows.remove(userId);
        return;
      }
      if (nodes.failed()) {
        // better a notification too many than a message nobody hears of
        LOG.debug("session directory did not answer for {}; notifying", userId, nodes.cause());
      }
      openWindow(userId);
      dispatch.accept(gathered.toNotification(userId));
    });
  }
}
