package chat.notify;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * POSTs each notification as JSON to the configured webhook (a gateway to mobile push, email...),
 * signed {@code X-Chat-Signature: sha256=<hex HMAC-SHA256 of the body with the secret>}, with the
 * notification's id in {@code X-Chat-Notification-Id}. A 2xx is delivered; a network error, timeout,
 * 408, 429 or 5xx is retried with backoff (same body, id and signature); any other answer is final.
 */
final class WebhookSender {
  static final String SIGNATURE_HEADER = "X-Chat-Signature";
  static final String ID_HEADER = "X-Chat-Notification-Id";

  private final Vertx vertx;
  private final WebClient client;
  private final String url;
  private final SecretKeySpec key;
  private final Backoff backoff;
  private final long timeoutMs;

  WebhookSender(Vertx vertx, WebClient client, String url, String secret, Backoff backoff, long timeoutMs) {
    this.vertx = vertx;
    this.client = client;
    this.url = url;
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    this.backoff = backoff;
    this.timeoutMs = timeoutMs;
  }

  Future<Void> send(Notification notification) {
    Buffer body = notification.toJson().toBuffer();
    String signature = "sha256=" + HexFormat.of().formatHex(hmac(body.getBytes()));
    return backoff.run(vertx, () -> client.postAbs(url)
        .putHeader("Content-Type", "application/json")
        .putHeader(SIGNATURE_HEADER, signature)
        .putHeader(ID_HEADER, notification.id())
        .timeout(timeoutMs)
        .sendBuffer(body)
        // the client's own messages can quote the URL, which may hold a token of the receiver
        .recover(e -> Future.failedFuture(new IllegalStateException("the webhook not reached ("
            + e.getClass().getSimpleName() + ")")))
        .compose(response -> {
          int status = response.statusCode();
          if (status >= 200 && status < 300) {
            return Future.<Void>succeededFuture();
          }
          return Future.failedFuture(Backoff.httpFailure("the webhook", status));
        }));
  }

  private byte[] hmac(byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
