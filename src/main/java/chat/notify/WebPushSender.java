package chat.notify;

import chat.store.PushSubscription;
import chat.store.PushSubscriptionStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a notification to every Web Push subscription of its user (RFC 8030 section 5): the JSON
 * encrypted per subscription (RFC 8291), a VAPID {@code Authorization} (RFC 8292), a {@code TTL}. A
 * 404 or 410 means the browser dropped the subscription, so it is removed; 408, 429, 5xx and network
 * errors are retried with backoff; other answers are final. Logs name the push service's host only:
 * an endpoint URL is a capability, and the keys are secrets.
 */
final class WebPushSender {
  private static final Logger LOG = LoggerFactory.getLogger(WebPushSender.class);

  private final Vertx vertx;
  private final WebClient client;
  private final PushSubscriptionStore subscriptions;
  private final VapidAuthorization vapid;
  private final WebPushSettings settings;
  private final Backoff backoff;
  private final long timeoutMs;

  WebPushSender(Vertx vertx, WebClient client, PushSubscriptionStore subscriptions, VapidAuthorization vapid,
                WebPushSettings settings, Backoff backoff, long timeoutMs) {
    this.vertx = vertx;
    this.client = client;
    this.subscriptions = subscriptions;
    this.vapid = vapid;
    this.settings = settings;
    this.backoff = backoff;
    this.timeoutMs = timeoutMs;
  }

  /** Completes when every subscription is done with, delivered or not; fails if any was not delivered. */
  Future<Void> send(Notification notification) {
    byte[] payload = notification.toJson().toBuffer().getBytes();
    return subscriptions.of(notification.userId()).compose(list -> {
      List<Future<Void>> pushes = new ArrayList<>(list.size());
      for (PushSubscription subscription : list) {
        pushes.add(push(subscription, payload));
      }
      return Future.join(pushes).mapEmpty();
    });
  }

  private Future<Void> push(PushSubscription subscription, byte[] payload) {
    Buffer body;
    try {
      body = Buffer.buffer(WebPushEncryption.encrypt(payload, P256.publicKey(P256.fromBase64Url(subscription.p256dh())),
          P256.fromBase64Url(subscription.auth())));
    } catch (IllegalArgumentException badKeys) {
      // keys are checked when subscribing, so only a corrupt row gets here
      LOG.warn("push subscription of {} at {} has unusable keys; removed", subscription.userId(),
          subscription.endpointHost());
      return subscriptions.remove(subscription.userId(), subscription.endpoint()).mapEmpty();
    }
    return backoff.run(vertx, () -> client.postAbs(subscription.endpoint())
        .putHeader("Authorization", vapid.header(subscription.endpoint()))
        .putHeader("TTL", Integer.toString(settings.ttlSeconds()))
        .putHeader("Content-Encoding", "aes128gcm")
        .putHeader("Content-Type", "application/octet-stream")
        .timeout(timeoutMs)
        .sendBuffer(body)
        // the client's own messages can quote the request URI, which is the secret endpoint
        .recover(e -> Future.failedFuture(new IllegalStateException("push service " + subscription.endpointHost()
            + " not reached (" + e.getClass().getSimpleName() + ")")))
        .compose(response -> {
          int status = response.statusCode();
          if (status >= 200 && status < 300) {
            return Future.<Void>succeededFuture();
          }
          if (status == 404 || status == 410) {
            LOG.info("push service {} reports a subscription of {} gone ({}); removed", subscription.endpointHost(),
                subscription.userId(), status);
            return subscriptions.remove(subscription.userId(), subscription.endpoint()).mapEmpty();
          }
          return Future.failedFuture(Backoff.httpFailure("push service " + subscription.endpointHost(), status));
        }));
  }
}
