package chat.async;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Runs asynchronous tasks one at a time per key, in submission order, without blocking: each task
 * starts when the previous task of the same key has completed (successfully or not). Tasks of
 * different keys run concurrently. A key's entry is dropped when its queue drains.
 */
public final class KeyedSerializer {
  private final ConcurrentHashMap<String, Future<Void>> tails = new ConcurrentHashMap<>();

  public <T> Future<T> submit(String key, Supplier<Future<T>> task) {
    Promise<Void> finished = Promise.promise();
    Future<Void> mine = finished.future();
    Future<Void> previous = tails.put(key, mine);
    Future<T> result = (previous == null ? Future.<Void>succeededFuture() : previous).compose(v -> start(task));
    result.onComplete(ar -> {
      tails.remove(key, mine);
      finished.complete();
    });
    return result;
  }

  private static <T> Future<T> start(Supplier<Future<T>> task) {
    try {
      return task.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
