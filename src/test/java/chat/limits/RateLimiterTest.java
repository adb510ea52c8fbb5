package chat.limits;

import static org.assertj.core.api.Assertions.assertThat;

import chat.support.ManualClock;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  @Test
  @DisplayName("A bucket allows its burst, refuses the next, and refills at its rate as the clock moves")
  void tokenBucket() {
    ManualClock clock = new ManualClock();
    RateLimits limits = new RateLimits(new JsonObject().put("sendPerSecond", 2).put("sendBurst", 3), clock);
    for (int i = 0; i < 3; i++) {
      assertThat(limits.sendPerUser.tryAcquire("alice")).isTrue();
    }
    assertThat(limits.sendPerUser.tryAcquire("alice")).isFalse();
    assertThat(limits.sendPerUser.tryAcquire("bob")).as("buckets are per key").isTrue();
    clock.advance(500); // one token back at 2/s
    assertThat(limits.sendPerUser.tryAcquire("alice")).isTrue();
    assertThat(limits.sendPerUser.tryAcquire("alice")).isFalse();
  }
}
