package chat.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Things a test server receives, queued so a test can ask for "the next one" without racing the
 * server; every arrival is also kept for a final look at all of them. Safe to use from any thread.
 */
public final class Arrivals<T> {
  private final Deque<T> queued = new ArrayDeque<>();
  private final Deque<Promise<T>> waiting = new ArrayDeque<>();
  private final List<T> all = new ArrayList<>();

  public synchronized void add(T arrival) {
    all.add(arrival);
    Promise<T> waiter = waiting.poll();
    if (waiter != null) {
      waiter.complete(arrival);
    } else {
      queued.add(arrival);
    }
  }

  /** The next arrival (already queued or yet to come). */
  public synchronized Future<T> next() {
    T arrival = queued.poll();
    if (arrival != null) {
      return Future.succeededFuture(arrival);
    }
    Promise<T> promise = Promise.promise();
    waiting.add(promise);
    return promise.future();
  }

  /** Every arrival so far, in order. */
  public synchronized List<T> all() {
    return List.copyOf(all);
  }
}
