package chat.async;

import io.vertx.core.Future;
import java.util.function.Supplier;

/** Starting an asynchronous task so that a throw fails its future instead of escaping to the caller. */
final class Tasks {
  private Tasks() {
  }

  static <T> Future<T> start(Supplier<Future<T>> task) {
    try {
      return task.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
