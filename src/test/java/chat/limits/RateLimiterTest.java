package chat.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  @Test
  @DisplayName("A bucket allows its burst, refuses the next, and refills at its rate as the clock moves")
  void tokenBucket() {
    Instant start = Instant.parse("2026-11-27T12:00:00Z");
    Clock[] clock = {Clock.fixed(start, ZoneOffset.UTC)};
    Clock moving = new Clock() {
      @Override
      public ZoneOffset getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return clock[0].instant();
      }
    };
    RateLimits limits = new RateLimits(new JsonObject().put("sendPerSecond", 2).put("sendBurst", 3), moving);
    for (int i = 0; i < 3; i++) {
      assertThat(limits.sendPerUser.tryAcquire("alice")).isTrue();
    }
    assertThat(limits.sendPerUser.tryAcquire("alice")).isFalse();
    assertThat(limits.sendPerUser.tryAcquire("bob")).as("buckets are per key").isTrue();
    clock[0] = Clock.offset(clock[0], Duration.ofMillis(500)); // one token back at 2/s
    assertThat(limits.sendPerUser.tryAcquire("alice")).isTrue();
    assertThat(limits.sendPerUser.tryAcquire("alice")).isFalse();
  }
}
