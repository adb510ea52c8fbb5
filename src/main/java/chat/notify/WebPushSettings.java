package chat.notify;

import io.vertx.core.json.JsonObject;

/**
 * The {@code notify.webPush} config: the VAPID keys (null when Web Push is off: a cluster node
 * without a configured key, see {@link NotificationVerticle#deploy}), the {@code sub} contact of
 * the VAPID token, how long a push service keeps an undelivered message, whether plain-http
 * endpoints are accepted (tests only: real push services are https), and how many browsers a user
 * may subscribe (a new one beyond that replaces the oldest).
 */
public record WebPushSettings(VapidKeys keys, String subject, int ttlSeconds, boolean allowHttpEndpoints,
                              int maxSubscriptionsPerUser) {

  public static WebPushSettings from(JsonObject config) {
    JsonObject webPush = section(config);
    String key = webPush.getString("vapidPrivateKey");
    return new WebPushSettings(key == null ? null : VapidKeys.of(key), webPush.getString("subject"),
        webPush.getInteger("ttlSeconds", 86_400), webPush.getBoolean("allowHttpEndpoints", false),
        webPush.getInteger("maxSubscriptionsPerUser", 10));
  }

  public boolean enabled() {
    return keys != null;
  }

  /** The {@code notify.webPush} object of {@code config}, created when missing. */
  static JsonObject section(JsonObject config) {
    JsonObject notify = config.getJsonObject("notify");
    if (notify == null) {
      notify = new JsonObject();
      config.put("notify", notify);
    }
    JsonObject webPush = notify.getJsonObject("webPush");
    if (webPush == null) {
      webPush = new JsonObject();
      notify.put("webPush", webPush);
    }
    return webPush;
  }
}
