package chat.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue of an embedded engine's single writer thread, and the hops back to callers' contexts.
 * Writes queue up; the writer takes everything queued (up to its batch size), runs it, makes it
 * durable once, and only then completes the callers' futures, in queue order. An engine (SQLite,
 * RocksDB) supplies what a write's work is and how a batch is made durable.
 *
 * @param <W> a write's work, as the engine runs it
 */
public final class GroupCommit<W> {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

  /** A queued write: its work, the caller's promise, and the context to complete it on (null off Vert.x). */
  public record Pending<W>(W work, Promise<Object> promise, ContextInternal context) {
  }

  private final BlockingQueue<Pending<W>> queue = new LinkedBlockingQueue<>();
  private final Pending<W> stop = new Pending<>(null, null, null);
  private boolean closed; // guarded by queue

  /** Queues a write; its future completes when the writer completes the batch holding it. */
  @SuppressWarnings("unchecked")
  public <T> Future<T> submit(W work) {
    Promise<Object> promise = Promise.promise();
    synchronized (queue) { // nothing is queued behind the stop marker
      if (closed) {
        return Future.failedFuture(new IllegalStateException("store is closed"));
      }
      queue.add(new Pending<>(work, promise, (ContextInternal) Vertx.currentContext()));
    }
    return (Future<T>) promise.future();
  }

  /**
   * Blocks for the next batch: adds at least one queued write, at most {@code max}, to {@code batch}.
   * False once the queue is closed and everything before the close is in {@code batch}: the writer
   * runs that last batch and stops.
   */
  public boolean next(List<Pending<W>> batch, int max) throws InterruptedException {
    batch.add(queue.take());
    queue.drainTo(batch, max - 1);
    return !batch.remove(stop);
  }

  /** No more writes: later ones fail at once; queued ones still run. */
  public void close() {
    synchronized (queue) {
      closed = true;
      queue.add(stop);
    }
  }

  /**
   * Completes every write of a durable (or failed) batch on its caller's context with one hop per
   * verticle context, not one per write: a batch of hundreds of writes comes from a handful of
   * verticles. Callers are mostly event-bus and HTTP handlers, each running on its own duplicate of
   * its verticle's context, so the writes are grouped by the context their callers' contexts
   * duplicate, and each completion then runs on its caller's own context, in queue order.
   */
  public static <W> void completeAll(List<Pending<W>> batch, Object[] results, Throwable[] failures) {
    Map<ContextInternal, List<Runnable>> byVerticleContext = new IdentityHashMap<>();
    for (int i = 0; i < batch.size(); i++) {
      Pending<W> op = batch.get(i);
      Runnable done = completion(op.promise, results[i], failures[i]);
      if (op.context == null) {
        done.run();
      } else {
        byVerticleContext.computeIfAbsent(op.context.unwrap(), c -> new ArrayList<>())
            .add(() -> op.context.dispatch(() -> runGuarded(done)));
      }
    }
    byVerticleContext.forEach((context, completions) -> context.runOnContext(v -> completions.forEach(Runnable::run)));
  }

  /** Runs {@code read} on one of {@code readers}; completes on the caller's context, never on a store thread. */
  public static <T> Future<T> read(Executor readers, Callable<T> read) {
    Promise<T> promise = Promise.promise();
    Context context = Vertx.currentContext();
    try {
      readers.execute(() -> {
        Runnable done;
        try {
          T result = read.call();
          done = () -> promise.complete(result);
        } catch (Throwable e) {
          done = () -> promise.fail(e);
        }
        if (context == null) {
          done.run();
        } else {
          Runnable completion = done;
          context.runOnContext(v -> completion.run());
        }
      });
    } catch (RuntimeException rejected) {
      promise.fail(new IllegalStateException("store is closed"));
    }
    return promise.future();
  }

  private static Runnable completion(Promise<Object> promise, Object result, Throwable failure) {
    return failure == null ? () -> promise.complete(result) : () -> promise.fail(failure);
  }

  /** One caller's failing callback must not keep the rest of its batch from completing. */
  private static void runGuarded(Runnable completion) {
    try {
      completion.run();
    } catch (RuntimeException e) {
      LOG.error("a write's completion handler failed", e);
    }
  }
}
