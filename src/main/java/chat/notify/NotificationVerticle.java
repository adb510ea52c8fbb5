package chat.notify;

import chat.Addresses;
import chat.delivery.SessionDirectory;
import chat.store.InboxEvent;
import chat.store.PushSubscriptionStore;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notifies users who are not connected when a message arrives for them: by Web Push to each browser
 * they subscribed, and by the webhook when one is configured, at most once per window per user
 * ({@link Coalescer}).
 *
 * <p>Fed by {@code LiveDelivery} through {@link #notice}: every durable inbox event of a user the
 * session directory shows with no live session, on the node that delivered it (embedded: the one
 * node; cluster: the owner of the user's inbox partition, so one node sees all of a user's events
 * and coalesces them). One instance per node, so a user's window lives on one event loop. Only
 * messages from someone else notify: receipts, the user's own messages sent from another device,
 * and system messages of groups (membership changes; they are not unread either) do not.
 */
public final class NotificationVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(NotificationVerticle.class);
  private static final DeliveryOptions THIS_NODE = new DeliveryOptions().setLocalOnly(true);
  private static final int MIN_WEBHOOK_SECRET_CHARS = 16;

  private final PushSubscriptionStore subscriptions;
  private final SessionDirectory directory;
  private WebClient client;
  private WebPushSender webPush;
  private WebhookSender webhook;
  private Coalescer coalescer;

  NotificationVerticle(PushSubscriptionStore subscriptions, SessionDirectory directory) {
    this.subscriptions = subscriptions;
    this.directory = directory;
  }

  /** Hands an inbox event of a user with no live session to this node's notification verticle. */
  public static void notice(EventBus bus, InboxEvent event) {
    bus.send(Addresses.NOTIFICATIONS, new JsonObject().put("userId", event.userId()).put("event", event.payload()),
        THIS_NODE);
  }

  /**
   * Resolves the VAPID key into {@code notify.webPush.vapidPrivateKey} of the deployment config (so
   * the gateways deployed after it serve the matching public key), then deploys the verticle. The
   * embedded profile generates a key into the data dir when none is configured; a cluster node
   * without a configured key has Web Push off, since nodes that each made their own key would sign
   * pushes that the browsers subscribed under another node's key refuse.
   */
  public static Future<String> deploy(Vertx vertx, PushSubscriptionStore subscriptions, SessionDirectory directory,
                                      DeploymentOptions options) {
    JsonObject config = options.getConfig();
    JsonObject webPush = WebPushSettings.section(config);
    String configured = webPush.getString("vapidPrivateKey");
    Future<String> key;
    if ((configured == null || configured.isBlank()) && "cluster".equals(config.getString("profile"))) {
      LOG.warn("Web Push is off: the cluster profile needs the same CHAT_VAPID_PRIVATE_KEY on every node");
      key = Future.succeededFuture(null);
    } else {
      Path dataDir = Path.of(config.getString("dataDir", "./data"));
      key = vertx.executeBlocking(() -> VapidKeys.loadOrCreate(dataDir, configured).privateKey());
    }
    return key.compose(resolved -> {
      webPush.put("vapidPrivateKey", resolved);
      return vertx.deployVerticle(new NotificationVerticle(subscriptions, directory), options);
    });
  }

  @Override
  public Future<?> start() {
    JsonObject notify = config().getJsonObject("notify", new JsonObject());
    Backoff backoff = Backoff.from(notify.getJsonObject("retry", new JsonObject()));
    long timeoutMs = notify.getLong("requestTimeoutMs", 10_000L);
    client = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false)
        .setConnectTimeout((int) timeoutMs).setUserAgent("chat-server"));
    JsonObject webhookConfig = notify.getJsonObject("webhook", new JsonObject());
    String url = webhookConfig.getString("url");
    if (url != null && !url.isBlank()) {
      String secret = webhookConfig.getString("secret");
      if (secret == null || secret.length() < MIN_WEBHOOK_SECRET_CHARS) {
        return Future.failedFuture(new IllegalArgumentException("a webhook URL needs a secret of at least "
            + MIN_WEBHOOK_SECRET_CHARS + " characters (CHAT_NOTIFY_WEBHOOK_SECRET)"));
      }
      String scheme = URI.create(url).getScheme();
      if (!"https".equals(scheme) && !"http".equals(scheme)) {
        return Future.failedFuture(new IllegalArgumentException("the webhook URL must be http(s)"));
      }
      webhook = new WebhookSender(vertx, client, url, secret, backoff, timeoutMs);
    }
    WebPushSettings webPushSettings = WebPushSettings.from(config());
    if (webPushSettings.enabled()) {
      VapidAuthorization vapid = new VapidAuthorization(vertx, webPushSettings.keys(), webPushSettings.subject(),
          Clock.systemUTC());
      webPush = new WebPushSender(vertx, client, subscriptions, vapid, webPushSettings, backoff, timeoutMs);
    }
    coalescer = new Coalescer(vertx, notify.getLong("windowMs", 10_000L), directory, this::dispatch);
    return vertx.eventBus().<JsonObject>localConsumer(Addresses.NOTIFICATIONS, m -> onEvent(m.body())).completion();
  }

  private void onEvent(JsonObject notice) {
    String userId = notice.getString("userId");
    JsonObject event;
    try {
      event = new JsonObject(notice.getString("event"));
    } catch (DecodeException | ClassCastException e) {
      return;
    }
    String from = event.getString("from");
    if (!"message".equals(event.getString("type")) || "system".equals(event.getString("kind")) || from == null
        || from.equals(userId)) {
      return;
    }
    coalescer.offlineMessage(userId, from, event.getString("conversation"), event.getLong("ts", 0L));
  }

  private void dispatch(Notification notification) {
    if (webPush != null) {
      webPush.send(notification).onFailure(e ->
          LOG.warn("web push notification of {} not delivered: {}", notification.userId(), e.getMessage()));
    }
    if (webhook != null) {
      webhook.send(notification).onFailure(e ->
          LOG.warn("webhook notification of {} not delivered: {}", notification.userId(), e.getMessage()));
    }
  }

  @Override
  public Future<?> stop() {
    client.close();
    return Future.succeededFuture();
  }
}
