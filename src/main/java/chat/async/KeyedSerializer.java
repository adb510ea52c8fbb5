package chat.async;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Runs asynchronous tasks one at a time per key, in submission order, without blocking: each task
 * starts when the previous task of the same key has completed (successfully or not). Tasks of
 * different keys run concurrently. A key's entry is dropped when its queue drains.
 *
 * <p>A task that had to wait starts in a task of its own on the submitter's context, not inside the
 * previous task's completion: otherwise a queue of tasks that complete at once (a group's messages
 * behind one membership read) ran as one nested call, ~1,000 of them overflowed the event loop's
 * stack, and the key never ran another task. Tasks that need not wait start at once.
 */
public final class KeyedSerializer {
  private final ConcurrentHashMap<String, Future<Void>> tails = new ConcurrentHashMap<>();

  public <T> Future<T> submit(String key, Supplier<Future<T>> task) {
    Promise<Void> finished = Promise.promise();
    Future<Void> mine = finished.future();
    Future<Void> previous = tails.put(key, mine);
    Future<T> result;
    if (previous == null || previous.isComplete()) {
      result = Tasks.start(task);
    } else {
      Context context = Vertx.currentContext();
      Promise<T> waited = Promise.promise();
      previous.onComplete(ar -> {
        if (context == null) {
          Tasks.start(task).onComplete(waited);
        } else {
          context.runOnContext(v -> Tasks.start(task).onComplete(waited));
        }
      });
      result = waited.future();
    }
    result.onComplete(ar -> {
      tails.remove(key, mine);
      finished.complete();
    });
    return result;
  }
}
