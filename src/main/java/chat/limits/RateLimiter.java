package chat.limits;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Token buckets per key (a user id, a username...): {@code ratePerSecond} refill, {@code burst}
 * capacity. Keys are kept in a bounded LRU, so memory stays flat under a flood of distinct keys
 * (an evicted key simply starts again with a full bucket). Thread-safe.
 */
public final class RateLimiter {
  private static final int MAX_KEYS = 100_000;

  private final String name;
  private final double ratePerMs;
  private final double burst;
  private final Clock clock;
  private final Map<String, double[]> buckets = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, double[]> eldest) {
      return size() > MAX_KEYS;
    }
  };

  RateLimiter(String name, double ratePerSecond, double burst, Clock clock) {
    this.name = name;
    this.ratePerMs = ratePerSecond / 1000.0;
    this.burst = burst;
    this.clock = clock;
  }

  /** Takes one token for {@code key}; false when the bucket is empty. */
  public synchronized boolean tryAcquire(String key) {
    long now = clock.millis();
    double[] bucket = buckets.computeIfAbsent(key, k -> new double[] {burst, now});
    bucket[0] = Math.min(burst, bucket[0] + (now - bucket[1]) * ratePerMs);
    bucket[1] = now;
    if (bucket[0] < 1) {
      return false;
    }
    bucket[0] -= 1;
    return true;
  }

  public String name() {
    return name;
  }
}
