package chat.notify;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.net.URI;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code Authorization: vapid t=<JWT>, k=<public key>} header of RFC 8292: an ES256 JWT
 * (signed by vertx-auth-jwt) whose {@code aud} is the push service's origin, {@code exp} at most 24 h
 * ahead, and {@code sub} the operator's contact when configured. A token is reused per origin until
 * an hour before it expires, so a burst of pushes costs one signature per push service, not per push.
 * Used on the notification verticle's event loop only.
 */
final class VapidAuthorization {
  private static final int TOKEN_SECONDS = 12 * 3600;
  private static final long RENEW_BEFORE_EXPIRY_MS = 3_600_000L;
  /** Endpoints come from clients; the cache of tokens per origin is bounded all the same. */
  private static final int MAX_CACHED_ORIGINS = 256;

  private record Token(String header, long expiresAtMs) {
  }

  private final JWTAuth signer;
  private final String publicKey;
  private final String subject;
  private final Clock clock;
  private final Map<String, Token> byOrigin = new HashMap<>();

  VapidAuthorization(Vertx vertx, VapidKeys keys, String subject, Clock clock) {
    this.signer = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("ES256").setBuffer(keys.privateKeyPem())));
    this.publicKey = keys.publicKey();
    this.subject = subject;
    this.clock = clock;
  }

  /** The header for a push to {@code endpoint}. */
  String header(String endpoint) {
    String origin = origin(URI.create(endpoint));
    long now = clock.millis();
    Token token = byOrigin.get(origin);
    if (token == null || token.expiresAtMs() - now < RENEW_BEFORE_EXPIRY_MS) {
      if (byOrigin.size() >= MAX_CACHED_ORIGINS) {
        byOrigin.clear();
      }
      JsonObject claims = new JsonObject().put("aud", origin).put("exp", now / 1000 + TOKEN_SECONDS);
      if (subject != null && !subject.isBlank()) {
        claims.put("sub", subject);
      }
      String jwt = signer.generateToken(claims, new JWTOptions().setAlgorithm("ES256").setNoTimestamp(true));
      token = new Token("vapid t=" + jwt + ", k=" + publicKey, now + TOKEN_SECONDS * 1000L);
      byOrigin.put(origin, token);
    }
    return token.header();
  }

  /** Scheme, host and a non-default port: the audience RFC 8292 section 2 asks for. */
  static String origin(URI uri) {
    String scheme = uri.getScheme().toLowerCase();
    int port = uri.getPort();
    boolean defaultPort = port == -1 || (scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80);
    return scheme + "://" + uri.getHost().toLowerCase() + (defaultPort ? "" : ":" + port);
  }
}
