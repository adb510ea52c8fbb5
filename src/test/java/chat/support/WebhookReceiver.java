package chat.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook endpoint on loopback: records every call with its JSON body, notification id and
 * whether {@code X-Chat-Signature} is the HMAC-SHA256 of the body under the shared secret, and
 * answers the statuses it was told to, in order, then 200.
 */
public final class WebhookReceiver {
  /** One call as received; {@code atNanos} is when it arrived. */
  public record Call(JsonObject body, String notificationId, boolean signatureValid, long atNanos) {
  }

  public final Arrivals<Call> calls = new Arrivals<>();
  private final HttpServer server;
  private final String secret;
  private final Deque<Integer> statuses = new ArrayDeque<>();

  private WebhookReceiver(HttpServer server, String secret) {
    this.server = server;
    this.secret = secret;
  }

  public static Future<WebhookReceiver> start(Vertx vertx, String secret) {
    HttpServer server = vertx.createHttpServer();
    WebhookReceiver receiver = new WebhookReceiver(server, secret);
    server.requestHandler(request -> request.body().onSuccess(body -> {
      String expected = "sha256=" + HexFormat.of().formatHex(receiver.hmac(body.getBytes()));
      String presented = String.valueOf(request.getHeader("X-Chat-Signature"));
      receiver.calls.add(new Call(body.toJsonObject(), request.getHeader("X-Chat-Notification-Id"),
          MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), presented.getBytes(StandardCharsets.US_ASCII)),
          System.nanoTime()));
      Integer status = receiver.statuses.poll();
      request.response().setStatusCode(status == null ? 200 : status).end();
    }));
    return server.listen(0, "127.0.0.1").map(receiver);
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/hooks/chat";
  }

  /** The next calls are answered with these statuses, in order; later ones with 200. */
  public void answer(int... next) {
    for (int status : next) {
      statuses.add(status);
    }
  }

  public Future<Void> close() {
    return server.close();
  }

  private byte[] hmac(byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
