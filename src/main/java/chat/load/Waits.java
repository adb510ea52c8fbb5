package chat.load;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded waiting for the work still in flight at the end of a run. */
final class Waits {
  private static final long POLL_MS = 20;

  private Waits() {
  }

  /** Completes once {@code done} holds, or after {@code max}, whichever comes first; never fails. */
  static Future<Void> until(Vertx vertx, BooleanSupplier done, Duration max) {
    return until(vertx, done, System.nanoTime() + max.toNanos());
  }

  private static Future<Void> until(Vertx vertx, BooleanSupplier done, long deadline) {
    if (done.getAsBoolean() || System.nanoTime() > deadline) {
      return Future.succeededFuture();
    }
    return vertx.timer(POLL_MS).compose(v -> until(vertx, done, deadline));
  }
}
