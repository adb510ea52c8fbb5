package chat.auth;

import chat.ids.Snowflake;
import chat.limits.RateLimits;
import chat.protocol.ChatException;
import chat.protocol.ErrorCode;
import chat.store.Account;
import chat.store.DuplicateKeyException;
import chat.store.Redemption;
import chat.store.RefreshToken;
import chat.store.Stores;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Accounts and tokens: registration, login, refresh-token rotation with reuse detection, logout,
 * and access-token checks. Passwords are hashed off the event loop; tokens are never logged.
 */
public final class AuthService {
  private static final Pattern USERNAME = Pattern.compile("[a-z0-9_.-]{3,32}");
  private static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final int MAX_DISPLAY_NAME = 64;

  /** The {@code auth} config section, parsed once. */
  public record Settings(String jwtSecret, String issuer, int accessTtlSeconds, long refreshTtlSeconds,
                         int argon2MemoryKiB, int argon2Iterations, int argon2Parallelism) {
    public static Settings from(JsonObject auth) {
      return new Settings(auth.getString("jwtSecret"), auth.getString("issuer", "chat"),
          auth.getInteger("accessTtlSeconds", 900), auth.getLong("refreshTtlSeconds", 2_592_000L),
          auth.getInteger("argon2MemoryKiB", 19456), auth.getInteger("argon2Iterations", 2),
          auth.getInteger("argon2Parallelism", 1));
    }
  }

  private final Vertx vertx;
  private final Stores stores;
  private final Settings settings;
  private final RateLimits limits;
  private final Clock clock;
  private final Snowflake ids;
  private final JWTAuth jwt;
  private final PasswordHasher hasher;
  private final SecureRandom random = new SecureRandom();

  public AuthService(Vertx vertx, Stores stores, Settings settings, RateLimits limits, Clock clock, Snowflake ids) {
    this.vertx = vertx;
    this.stores = stores;
    this.settings = settings;
    this.limits = limits;
    this.clock = clock;
    this.ids = ids;
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(settings.jwtSecret()))
        .setJWTOptions(new JWTOptions().setIssuer(settings.issuer())));
    this.hasher = new PasswordHasher(settings.argon2MemoryKiB(), settings.argon2Iterations(),
        settings.argon2Parallelism());
  }

  public Future<Account> register(String username, String password, String displayName, String clientAddress) {
    if (username == null || !USERNAME.matcher(username).matches()) {
      return Future.failedFuture(bad("username must be 3 to 32 of a-z 0-9 _ . -"));
    }
    if (password == null || password.length() < 8 || password.length() > 128) {
      return Future.failedFuture(bad("password must be 8 to 128 characters"));
    }
    if (displayName != null && (displayName.isBlank() || displayName.length() > MAX_DISPLAY_NAME)) {
      return Future.failedFuture(bad("displayName must be 1 to " + MAX_DISPLAY_NAME + " characters"));
    }
    if (!limits.registerPerAddress.tryAcquire(clientAddress)) {
      return Future.failedFuture(new ChatException(ErrorCode.RATE_LIMITED, "too many registrations, retry later"));
    }
    return vertx.executeBlocking(() -> hasher.hash(password), false)
        .compose(hash -> stores.accounts().create(new Account(Long.toString(ids.next()), username,
            displayName == null ? username : displayName, hash, clock.millis())))
        .recover(e -> Future.failedFuture(e instanceof DuplicateKeyException
            ? new ChatException(ErrorCode.USERNAME_TAKEN, "username is taken") : e));
  }

  public Future<TokenPair> login(String username, String password, String deviceId) {
    if (username == null || password == null || password.length() > 128) {
      return Future.failedFuture(bad("username and password are required"));
    }
    if (deviceId != null && !DEVICE_ID.matcher(deviceId).matches()) {
      return Future.failedFuture(bad("deviceId must be 1 to 64 of A-Z a-z 0-9 _ -"));
    }
    if (!limits.loginPerUsername.tryAcquire(username)) {
      return Future.failedFuture(new ChatException(ErrorCode.RATE_LIMITED, "too many login attempts, retry later"));
    }
    return stores.accounts().byUsername(username)
        .compose(found -> vertx.executeBlocking(() -> matches(password, found) ? found : null, false))
        .compose(match -> {
          if (match == null || match.isEmpty()) {
            return Future.failedFuture(new ChatException(ErrorCode.UNAUTHORIZED, "wrong username or password"));
          }
          String device = deviceId != null ? deviceId : randomToken(9);
          return issue(match.get().userId(), device, randomToken(12));
        });
  }

  /** For an unknown username a hash is still computed, so a miss takes as long as a wrong password. */
  private boolean matches(String password, Optional<Account> account) {
    if (account.isEmpty()) {
      hasher.hash(password);
      return false;
    }
    return hasher.verify(password, account.get().passwordHash());
  }

  public Future<TokenPair> refresh(String refreshToken) {
    if (refreshToken == null || refreshToken.length() > 200) {
      return Future.failedFuture(bad("refreshToken is required"));
    }
    return stores.refreshTokens().redeem(sha256(refreshToken), clock.millis()).compose(redemption -> {
      if (redemption instanceof Redemption.Redeemed redeemed) {
        RefreshToken old = redeemed.token();
        return issue(old.userId(), old.deviceId(), old.familyId());
      }
      return Future.failedFuture(new ChatException(ErrorCode.UNAUTHORIZED, "refresh token is not valid"));
    });
  }

  public Future<Void> logout(String refreshToken) {
    if (refreshToken == null || refreshToken.length() > 200) {
      return Future.failedFuture(bad("refreshToken is required"));
    }
    return stores.refreshTokens().revokeFamilyOf(sha256(refreshToken));
  }

  /** Checks an access token; fails with {@code unauthorized} when missing, forged or expired. */
  public Future<Principal> authenticate(String accessToken) {
    if (accessToken == null || accessToken.isEmpty() || accessToken.length() > 4096) {
      return Future.failedFuture(new ChatException(ErrorCode.UNAUTHORIZED, "missing access token"));
    }
    return jwt.authenticate(new TokenCredentials(accessToken))
        .<Principal>map(user -> new Principal(user.principal().getString("sub"), user.principal().getString("did")))
        .recover(e -> Future.failedFuture(new ChatException(ErrorCode.UNAUTHORIZED, "invalid or expired access token")));
  }

  private Future<TokenPair> issue(String userId, String deviceId, String familyId) {
    String refresh = randomToken(32);
    long expiresAt = clock.millis() + settings.refreshTtlSeconds() * 1000;
    return stores.refreshTokens().save(new RefreshToken(sha256(refresh), userId, deviceId, familyId, expiresAt))
        .map(v -> new TokenPair(
            jwt.generateToken(new JsonObject().put("sub", userId).put("did", deviceId),
                new JWTOptions().setAlgorithm("HS256").setIssuer(settings.issuer())
                    .setExpiresInSeconds(settings.accessTtlSeconds())),
            refresh, settings.accessTtlSeconds(), userId, deviceId));
  }

  private String randomToken(int bytes) {
    byte[] raw = new byte[bytes];
    random.nextBytes(raw);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }

  static String sha256(String value) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ChatException bad(String message) {
    return new ChatException(ErrorCode.BAD_REQUEST, message);
  }
}
