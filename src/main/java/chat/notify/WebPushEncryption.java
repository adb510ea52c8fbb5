package chat.notify;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * RFC 8291 message encryption for Web Push, in the {@code aes128gcm} content coding of RFC 8188:
 * a fresh ECDH key pair and salt per message, one record. Primitives: the JDK's ECDH and AES-GCM,
 * Bouncy Castle's HKDF. Checked against the example of RFC 8291 section 5.
 */
final class WebPushEncryption {
  /** Record size written in the header; one record carries the whole message. */
  static final int RECORD_SIZE = 4096;
  private static final int SALT_BYTES = 16;
  private static final int TAG_BYTES = 16;
  private static final int HEADER_BYTES = SALT_BYTES + 4 + 1 + P256.PUBLIC_KEY_BYTES;
  /** Push services must accept bodies of 4096 bytes; the header, tag and delimiter leave this much plaintext. */
  static final int MAX_PLAINTEXT = RECORD_SIZE - HEADER_BYTES - TAG_BYTES - 1;
  private static final byte LAST_RECORD_DELIMITER = 0x02;
  private static final SecureRandom RANDOM = new SecureRandom();

  private WebPushEncryption() {
  }

  /** Encrypts {@code plaintext} for the browser holding the private key of {@code uaPublic}. */
  static byte[] encrypt(byte[] plaintext, ECPublicKey uaPublic, byte[] authSecret) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    return encrypt(plaintext, uaPublic, authSecret, P256.generate(), salt);
  }

  /** The same with a given sender key pair and salt: deterministic, for the RFC's example. */
  static byte[] encrypt(byte[] plaintext, ECPublicKey uaPublic, byte[] authSecret, KeyPair sender, byte[] salt) {
    if (plaintext.length > MAX_PLAINTEXT) {
      throw new IllegalArgumentException("a push message carries at most " + MAX_PLAINTEXT + " bytes");
    }
    byte[] uaKey = P256.encode(uaPublic);
    byte[] asKey = P256.encode((ECPublicKey) sender.getPublic());
    try {
      KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
      agreement.init(sender.getPrivate());
      agreement.doPhase(uaPublic, true);
      byte[] ecdhSecret = agreement.generateSecret();
      // RFC 8291 section 3.4: the auth secret mixes into the input keying material of RFC 8188's HKDF.
      byte[] keyInfo = ByteBuffer.allocate(14 + uaKey.length + asKey.length)
          .put("WebPush: info\0".getBytes(StandardCharsets.US_ASCII)).put(uaKey).put(asKey).array();
      byte[] ikm = hkdf(authSecret, ecdhSecret, keyInfo, 32);
      byte[] contentKey = hkdf(salt, ikm, "Content-Encoding: aes128gcm\0".getBytes(StandardCharsets.US_ASCII), 16);
      byte[] nonce = hkdf(salt, ikm, "Content-Encoding: nonce\0".getBytes(StandardCharsets.US_ASCII), 12);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(contentKey, "AES"), new GCMParameterSpec(TAG_BYTES * 8, nonce));
      byte[] record = ByteBuffer.allocate(plaintext.length + 1).put(plaintext).put(LAST_RECORD_DELIMITER).array();
      byte[] ciphertext = cipher.doFinal(record);
      return ByteBuffer.allocate(HEADER_BYTES + ciphertext.length)
          .put(salt).putInt(RECORD_SIZE).put((byte) asKey.length).put(asKey).put(ciphertext).array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Web Push encryption failed", e);
    }
  }

  private static byte[] hkdf(byte[] salt, byte[] ikm, byte[] info, int length) {
    HKDFBytesGenerator generator = new HKDFBytesGenerator(new SHA256Digest());
    generator.init(new HKDFParameters(ikm, salt, info));
    byte[] out = new byte[length];
    generator.generateBytes(out, 0, length);
    return out;
  }
}
