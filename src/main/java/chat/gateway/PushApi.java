package chat.gateway;

import static chat.gateway.RestApi.body;
import static chat.gateway.RestApi.caller;
import static chat.gateway.RestApi.reply;

import chat.auth.AuthService;
import chat.notify.P256;
import chat.notify.WebPushSettings;
import chat.protocol.ChatException;
import chat.protocol.ErrorCode;
import chat.store.PushSubscription;
import chat.store.PushSubscriptionStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.util.List;

/**
 * REST for Web Push: the VAPID public key a browser subscribes with, and the caller's subscriptions.
 * {@code POST} takes the browser's {@code PushSubscription.toJSON()} as is; {@code DELETE} takes
 * {@code {endpoint}} in its body (the endpoint is a long URL, awkward in a path) and answers 404
 * when the caller has no subscription there. Subscriptions are listed without their keys. Mounted
 * after {@link RestApi}, whose body handler and error answers cover these routes too.
 */
public final class PushApi {
  private static final String SUBSCRIPTIONS = "/api/v1/push/subscriptions";
  private static final int MAX_ENDPOINT_CHARS = 2048;
  private static final int AUTH_SECRET_BYTES = 16;

  private final AuthService auth;
  private final PushSubscriptionStore subscriptions;
  private final WebPushSettings settings;
  private final Clock clock;

  public PushApi(AuthService auth, PushSubscriptionStore subscriptions, WebPushSettings settings, Clock clock) {
    this.auth = auth;
    this.subscriptions = subscriptions;
    this.settings = settings;
    this.clock = clock;
  }

  public void mount(Router router) {
    router.get("/api/v1/push/vapid-key").handler(ctx -> reply(ctx, 200, enabled()
        .map(v -> new JsonObject().put("publicKey", settings.keys().publicKey()))));
    router.post(SUBSCRIPTIONS).handler(ctx -> reply(ctx, 201, enabled().compose(v -> caller(auth, ctx))
        .compose(who -> body(ctx).compose(json -> subscribe(who.userId(), json)))));
    router.get(SUBSCRIPTIONS).handler(ctx -> reply(ctx, 200, caller(auth, ctx)
        .compose(who -> subscriptions.of(who.userId()))
        .map(list -> new JsonObject().put("subscriptions", new JsonArray(list.stream().map(PushApi::listed).toList())))));
    router.delete(SUBSCRIPTIONS).handler(ctx -> reply(ctx, 204, caller(auth, ctx)
        .compose(who -> body(ctx).compose(json -> subscriptions.remove(who.userId(), endpoint(json))))
        .compose(removed -> removed ? Future.succeededFuture(null)
            : Future.failedFuture(new ChatException(ErrorCode.NOT_FOUND, "no subscription at this endpoint")))));
  }

  private Future<Void> enabled() {
    return settings.enabled() ? Future.succeededFuture()
        : Future.failedFuture(new ChatException(ErrorCode.UNAVAILABLE, "Web Push is not configured on this server"));
  }

  /** Saves the subscription; past the per-user limit the oldest others are dropped (likely stale browsers). */
  private Future<JsonObject> subscribe(String userId, JsonObject json) {
    PushSubscription subscription = parse(userId, json);
    return subscriptions.save(subscription)
        .compose(v -> subscriptions.of(userId))
        .compose(list -> {
          List<PushSubscription> others = list.stream().filter(s -> !s.endpoint().equals(subscription.endpoint()))
              .toList();
          int excess = others.size() + 1 - settings.maxSubscriptionsPerUser();
          return Future.all(others.stream().limit(Math.max(0, excess))
              .map(s -> subscriptions.remove(userId, s.endpoint())).toList());
        })
        .map(v -> listed(subscription));
  }

  private PushSubscription parse(String userId, JsonObject json) {
    String endpoint = endpoint(json);
    URI uri;
    try {
      uri = new URI(endpoint);
    } catch (URISyntaxException e) {
      throw new ChatException(ErrorCode.BAD_REQUEST, "endpoint must be a URL");
    }
    boolean allowedScheme = "https".equals(uri.getScheme())
        || (settings.allowHttpEndpoints() && "http".equals(uri.getScheme()));
    if (!allowedScheme || uri.getHost() == null) {
      throw new ChatException(ErrorCode.BAD_REQUEST, "endpoint must be an https URL");
    }
    JsonObject keys = json.getValue("keys") instanceof JsonObject k ? k : new JsonObject();
    String p256dh = keys.getValue("p256dh") instanceof String s ? s : null;
    String authSecret = keys.getValue("auth") instanceof String s ? s : null;
    try {
      P256.publicKey(P256.fromBase64Url(p256dh == null ? "" : p256dh));
    } catch (IllegalArgumentException e) {
      throw new ChatException(ErrorCode.BAD_REQUEST, "keys.p256dh must be a P-256 public key (65 bytes, base64url)");
    }
    if (!isBytes(authSecret, AUTH_SECRET_BYTES)) {
      throw new ChatException(ErrorCode.BAD_REQUEST, "keys.auth must be 16 bytes, base64url");
    }
    return new PushSubscription(userId, endpoint, p256dh, authSecret, clock.millis());
  }

  private static String endpoint(JsonObject json) {
    if (!(json.getValue("endpoint") instanceof String endpoint) || endpoint.isEmpty()
        || endpoint.length() > MAX_ENDPOINT_CHARS) {
      throw new ChatException(ErrorCode.BAD_REQUEST, "endpoint is required (at most " + MAX_ENDPOINT_CHARS
          + " characters)");
    }
    return endpoint;
  }

  private static boolean isBytes(String base64Url, int length) {
    try {
      return base64Url != null && P256.fromBase64Url(base64Url).length == length;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static JsonObject listed(PushSubscription s) {
    return new JsonObject().put("endpoint", s.endpoint()).put("createdAt", s.createdAt());
  }
}
