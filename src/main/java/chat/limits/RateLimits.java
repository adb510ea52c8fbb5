package chat.limits;

import io.vertx.core.json.JsonObject;
import java.time.Clock;

/**
 * The catalogue of every rate limit the server enforces, built once from the {@code limits}
 * config section. Exceeding one answers {@code rate_limited} (HTTP 429).
 */
public final class RateLimits {
  /** Messages a user may send: sustained per second, with a burst for catching up after reconnect. */
  public final RateLimiter sendPerUser;
  /** Login attempts per username, against password guessing. */
  public final RateLimiter loginPerUsername;
  /** Registrations per client address. */
  public final RateLimiter registerPerAddress;
  /** Typing frames a user may send; extra ones are dropped silently. */
  public final RateLimiter typingPerUser;

  public RateLimits(JsonObject limits, Clock clock) {
    this.sendPerUser = new RateLimiter("send", limits.getDouble("sendPerSecond", 50.0),
        limits.getDouble("sendBurst", 200.0), clock);
    double loginPerMinute = limits.getDouble("loginPerMinute", 10.0);
    this.loginPerUsername = new RateLimiter("login", loginPerMinute / 60.0, loginPerMinute, clock);
    double registerPerMinute = limits.getDouble("registerPerMinute", 30.0);
    this.registerPerAddress = new RateLimiter("register", registerPerMinute / 60.0, registerPerMinute, clock);
    this.typingPerUser = new RateLimiter("typing", limits.getDouble("typingPerSecond", 2.0),
        limits.getDouble("typingBurst", 6.0), clock);
  }
}
