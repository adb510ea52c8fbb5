package chat.notify;

import chat.config.KeyFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;

/**
 * The application server's VAPID key pair (RFC 8292), P-256. Browsers bind each subscription to
 * the public key they were given, so every node must sign with the same key and it must survive
 * restarts: the configured private key ({@code notify.webPush.vapidPrivateKey}, env
 * {@code CHAT_VAPID_PRIVATE_KEY}, the 32-byte scalar in base64url as {@code web-push
 * generate-vapid-keys} prints it), else {@code vapid.key} in the data dir, generated on first start.
 */
public record VapidKeys(KeyPair keyPair) {
  static final String FILE_NAME = "vapid.key";

  /** Blocking: the configured key, else the data dir's, created when missing. */
  public static VapidKeys loadOrCreate(Path dataDir, String configured) throws IOException {
    if (configured != null && !configured.isBlank()) {
      return of(configured);
    }
    return of(KeyFiles.loadOrCreate(dataDir, FILE_NAME,
        () -> P256.base64Url(P256.encode((ECPrivateKey) P256.generate().getPrivate()))));
  }

  /** The key pair of a base64url private scalar. */
  public static VapidKeys of(String privateKey) {
    try {
      return new VapidKeys(P256.keyPair(P256.fromBase64Url(privateKey.trim())));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the VAPID private key must be a P-256 private key, 32 bytes in base64url");
    }
  }

  /** The private scalar, base64url: what the config and the key file hold. */
  public String privateKey() {
    return P256.base64Url(P256.encode((ECPrivateKey) keyPair.getPrivate()));
  }

  /** The public key as browsers take it ({@code applicationServerKey}): the uncompressed point, base64url. */
  public String publicKey() {
    return P256.base64Url(P256.encode((ECPublicKey) keyPair.getPublic()));
  }

  /** The private key as PKCS#8 PEM, the form the JWT signer reads. */
  String privateKeyPem() {
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(keyPair.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }

  @Override
  public String toString() {
    return "VapidKeys[publicKey=" + publicKey() + "]";
  }
}
