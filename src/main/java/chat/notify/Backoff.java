package chat.notify;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Retries with exponential backoff: after the n-th failed attempt it waits between half and all of
 * {@code baseDelayMs * 2^(n-1)} (capped at {@code maxDelayMs}; the random half keeps many senders
 * from retrying in lockstep), at most {@code maxAttempts} attempts in all. An attempt that fails
 * with {@link GiveUp} is not retried.
 */
record Backoff(int maxAttempts, long baseDelayMs, long maxDelayMs) {

  /** A failure that another attempt cannot fix (a 4xx answer, say). */
  static final class GiveUp extends RuntimeException {
    GiveUp(String message) {
      super(message, null, false, false);
    }
  }

  /** The failure for an HTTP answer that is not a 2xx: retried on 408, 429 and 5xx (they say "later"), final otherwise. */
  static RuntimeException httpFailure(String what, int status) {
    String message = what + " answered " + status;
    return status == 408 || status == 429 || status >= 500 ? new IllegalStateException(message) : new GiveUp(message);
  }

  static Backoff from(JsonObject retry) {
    return new Backoff(Math.max(1, retry.getInteger("maxAttempts", 5)), retry.getLong("baseDelayMs", 1000L),
        retry.getLong("maxDelayMs", 30_000L));
  }

  /** Runs {@code attempt} until it succeeds, gives up, or the attempts are used; fails with the last failure. */
  <T> Future<T> run(Vertx vertx, Supplier<Future<T>> attempt) {
    return run(vertx, attempt, 1);
  }

  private <T> Future<T> run(Vertx vertx, Supplier<Future<T>> attempt, int number) {
    return attempt.get().recover(failure -> {
      if (failure instanceof GiveUp || number >= maxAttempts) {
        return Future.failedFuture(failure);
      }
      long delay = Math.min(maxDelayMs, baseDelayMs << Math.min(number - 1, 20));
      long jittered = delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
      return vertx.timer(Math.max(1, jittered)).compose(t -> run(vertx, attempt, number + 1));
    });
  }
}
