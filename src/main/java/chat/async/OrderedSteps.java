package chat.async;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs asynchronous steps one at a time, in submission order: each starts once the previous step's
 * future has completed, successfully or not. Confined to one event loop (a verticle's context).
 *
 * <p>Steps waiting behind a slow one start in a loop, not by nesting: chaining each step onto the
 * previous step's future ran a whole queue of steps that complete at once (a cache hit, a check) as
 * one nested call when its head completed. ~1,000 queued sends overflowed the event loop's stack
 * there, the error cut the chain, and no later send on the node was ever answered
 * (RouterVerticleTest).
 */
public final class OrderedSteps {
  private static final Logger LOG = LoggerFactory.getLogger(OrderedSteps.class);

  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  /** A step has started and its future has not completed yet. */
  private boolean running;
  /** {@link #drain} is on the stack: a step completing inside it hands over to the loop. */
  private boolean draining;

  /** Queues {@code step}; the returned future completes as the step's does. */
  public <T> Future<T> submit(Supplier<Future<T>> step) {
    Promise<T> result = Promise.promise();
    waiting.add(() -> Tasks.start(step).onComplete(done -> {
      running = false;
      try {
        result.handle(done);
      } finally {
        drain();
      }
    }));
    drain();
    return result.future();
  }

  private void drain() {
    if (draining) {
      return;
    }
    draining = true;
    try {
      while (!running && !waiting.isEmpty()) {
        running = true;
        try {
          waiting.poll().run();
        } catch (RuntimeException e) {
          // thrown by a callback of a completed step's future: the queue must go on regardless
          LOG.error("a step's completion handler failed", e);
        }
      }
    } finally {
      draining = false;
    }
  }
}
