package chat.support;

import chat.notify.P256;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A Web Push service on loopback that plays the browser too. It makes subscriptions as a browser
 * does (a P-256 key pair and a 16-byte auth secret each), and for every push it checks the VAPID
 * header (RFC 8292: an ES256 JWT signed by the key {@code k}, {@code aud} this origin, {@code exp}
 * in the next 24 h) and decrypts the {@code aes128gcm} body (RFC 8291) with the subscription's
 * private key, HKDF done here with plain HMAC, independently of the server's code. A push that
 * fails a check is answered 400 and recorded with its problem; others get the subscription's
 * configured status (201 unless told otherwise).
 */
public final class LocalPushService {
  /** A push as received: its subscription, the VAPID public key, the decrypted JSON, or what was wrong. */
  public record Push(String subscriptionId, String vapidKey, JsonObject payload, String problem, MultiMap headers) {
  }

  /** A subscription as a browser holds it: the endpoint, its key pair and auth secret. */
  public record Subscription(String id, String endpoint, KeyPair keys, byte[] auth) {
    /** What the browser's {@code PushSubscription.toJSON()} gives, the body of POST /api/v1/push/subscriptions. */
    public JsonObject toJson() {
      return new JsonObject().put("endpoint", endpoint).put("keys", new JsonObject()
          .put("p256dh", P256.base64Url(P256.encode((ECPublicKey) keys.getPublic()))).put("auth", P256.base64Url(auth)));
    }
  }

  public final Arrivals<Push> pushes = new Arrivals<>();
  private final HttpServer server;
  private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
  private final Map<String, Integer> statuses = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();

  private LocalPushService(HttpServer server) {
    this.server = server;
  }

  public static Future<LocalPushService> start(Vertx vertx) {
    HttpServer server = vertx.createHttpServer();
    LocalPushService service = new LocalPushService(server);
    server.requestHandler(service::handle);
    return server.listen(0, "127.0.0.1").map(service);
  }

  public String origin() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  public Subscription subscribe() {
    String id = "s" + ids.incrementAndGet();
    byte[] auth = new byte[16];
    new SecureRandom().nextBytes(auth);
    Subscription subscription = new Subscription(id, origin() + "/push/" + id, P256.generate(), auth);
    subscriptions.put(id, subscription);
    return subscription;
  }

  /** Answers pushes to {@code subscription} with {@code status} from now on. */
  public void answer(Subscription subscription, int status) {
    statuses.put(subscription.id(), status);
  }

  public Future<Void> close() {
    return server.close();
  }

  private void handle(HttpServerRequest request) {
    String id = request.path().substring(request.path().lastIndexOf('/') + 1);
    request.body().onSuccess(body -> {
      Subscription subscription = subscriptions.get(id);
      Push push;
      try {
        if (subscription == null) {
          throw new IllegalStateException("unknown subscription " + id);
        }
        String vapidKey = checkVapid(request.getHeader("Authorization"));
        if (!"aes128gcm".equals(request.getHeader("Content-Encoding")) || request.getHeader("TTL") == null) {
          throw new IllegalStateException("Content-Encoding aes128gcm and TTL are required");
        }
        push = new Push(id, vapidKey, new JsonObject(Buffer.buffer(decrypt(body.getBytes(), subscription))), null,
            request.headers());
      } catch (Exception e) {
        pushes.add(new Push(id, null, null, e.toString(), request.headers()));
        request.response().setStatusCode(400).end();
        return;
      }
      pushes.add(push);
      request.response().setStatusCode(statuses.getOrDefault(id, 201)).end();
    });
  }

  /** Checks the VAPID header; the public key it names. */
  private String checkVapid(String authorization) throws GeneralSecurityException {
    if (authorization == null || !authorization.startsWith("vapid ")) {
      throw new IllegalStateException("no vapid Authorization");
    }
    String token = null;
    String key = null;
    for (String part : authorization.substring(6).split(",")) {
      String[] nameValue = part.trim().split("=", 2);
      if (nameValue[0].equals("t")) {
        token = nameValue[1];
      } else if (nameValue[0].equals("k")) {
        key = nameValue[1];
      }
    }
    String[] jwt = token.split("\\.");
    JsonObject header = new JsonObject(new String(Base64.getUrlDecoder().decode(jwt[0]), StandardCharsets.UTF_8));
    JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(jwt[1]), StandardCharsets.UTF_8));
    Signature es256 = Signature.getInstance("SHA256withECDSAinP1363Format");
    es256.initVerify(P256.publicKey(P256.fromBase64Url(key)));
    es256.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
    if (!"ES256".equals(header.getString("alg")) || !es256.verify(Base64.getUrlDecoder().decode(jwt[2]))) {
      throw new IllegalStateException("bad VAPID signature");
    }
    long now = System.currentTimeMillis() / 1000;
    long exp = claims.getLong("exp");
    if (!origin().equals(claims.getString("aud")) || exp <= now || exp > now + 86_400) {
      throw new IllegalStateException("bad VAPID claims " + claims.encode());
    }
    return key;
  }

  /** RFC 8291 and RFC 8188 from the receiving side: one record, padding ends at the 0x02 delimiter. */
  private static byte[] decrypt(byte[] message, Subscription subscription) throws GeneralSecurityException {
    ByteBuffer in = ByteBuffer.wrap(message);
    byte[] salt = new byte[16];
    in.get(salt);
    int recordSize = in.getInt();
    byte[] asKey = new byte[in.get()];
    in.get(asKey);
    byte[] ciphertext = new byte[in.remaining()];
    in.get(ciphertext);
    if (ciphertext.length > recordSize) {
      throw new IllegalStateException("more than one record");
    }
    KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
    agreement.init(subscription.keys().getPrivate());
    agreement.doPhase(P256.publicKey(asKey), true);
    byte[] uaKey = P256.encode((ECPublicKey) subscription.keys().getPublic());
    byte[] keyInfo = ByteBuffer.allocate(14 + 65 + 65).put("WebPush: info\0".getBytes(StandardCharsets.US_ASCII))
        .put(uaKey).put(asKey).array();
    byte[] ikm = expand(hmac(subscription.auth(), agreement.generateSecret()), keyInfo, 32);
    byte[] prk = hmac(salt, ikm);
    byte[] contentKey = expand(prk, "Content-Encoding: aes128gcm\0".getBytes(StandardCharsets.US_ASCII), 16);
    byte[] nonce = expand(prk, "Content-Encoding: nonce\0".getBytes(StandardCharsets.US_ASCII), 12);
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(contentKey, "AES"), new GCMParameterSpec(128, nonce));
    byte[] record = cipher.doFinal(ciphertext);
    int end = record.length - 1;
    while (end >= 0 && record[end] == 0) {
      end--;
    }
    if (end < 0 || record[end] != 2) {
      throw new IllegalStateException("no last-record delimiter");
    }
    return Arrays.copyOf(record, end);
  }

  private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }

  /** HKDF-Expand for at most one block (32 bytes). */
  private static byte[] expand(byte[] prk, byte[] info, int length) throws GeneralSecurityException {
    byte[] input = Arrays.copyOf(info, info.length + 1);
    input[info.length] = 1;
    return Arrays.copyOf(hmac(prk, input), length);
  }
}
