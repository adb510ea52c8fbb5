package chat.notify;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Base64;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;

/**
 * NIST P-256 keys in the encodings Web Push uses: a public key is a 65-byte uncompressed point
 * ({@code 0x04 || x || y}), a private key a 32-byte scalar, both base64url without padding on the
 * wire. Bouncy Castle decodes and checks points (a point off the curve must never reach ECDH);
 * the JDK does the key agreement and signatures.
 */
public final class P256 {
  /** Length of an uncompressed point. */
  public static final int PUBLIC_KEY_BYTES = 65;
  private static final int COORDINATE_BYTES = 32;
  private static final X9ECParameters CURVE = CustomNamedCurves.getByName("secp256r1");
  private static final ECParameterSpec JDK_CURVE = jdkCurve();

  private P256() {
  }

  private static ECParameterSpec jdkCurve() {
    try {
      AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
      parameters.init(new ECGenParameterSpec("secp256r1"));
      return parameters.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks P-256", e);
    }
  }

  /** A fresh random key pair. */
  public static KeyPair generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(JDK_CURVE);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The public key of an uncompressed point; IllegalArgumentException when it is not a point of P-256. */
  public static ECPublicKey publicKey(byte[] uncompressed) {
    if (uncompressed.length != PUBLIC_KEY_BYTES || uncompressed[0] != 0x04) {
      throw new IllegalArgumentException("not an uncompressed P-256 point");
    }
    // decodePoint checks that the point lies on the curve
    org.bouncycastle.math.ec.ECPoint point = CURVE.getCurve().decodePoint(uncompressed).normalize();
    return publicKey(point);
  }

  /** The key pair of a 32-byte private scalar. */
  public static KeyPair keyPair(byte[] privateScalar) {
    BigInteger d = new BigInteger(1, privateScalar);
    if (privateScalar.length != COORDINATE_BYTES || d.signum() == 0 || d.compareTo(CURVE.getN()) >= 0) {
      throw new IllegalArgumentException("not a P-256 private key");
    }
    try {
      ECPrivateKey privateKey = (ECPrivateKey) KeyFactory.getInstance("EC")
          .generatePrivate(new ECPrivateKeySpec(d, JDK_CURVE));
      return new KeyPair(publicKey(CURVE.getG().multiply(d).normalize()), privateKey);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a P-256 private key", e);
    }
  }

  private static ECPublicKey publicKey(org.bouncycastle.math.ec.ECPoint point) {
    try {
      ECPoint w = new ECPoint(point.getAffineXCoord().toBigInteger(), point.getAffineYCoord().toBigInteger());
      return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, JDK_CURVE));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a P-256 public key", e);
    }
  }

  /** The uncompressed point of a public key. */
  public static byte[] encode(ECPublicKey key) {
    byte[] out = new byte[PUBLIC_KEY_BYTES];
    out[0] = 0x04;
    unsigned(key.getW().getAffineX(), out, 1);
    unsigned(key.getW().getAffineY(), out, 1 + COORDINATE_BYTES);
    return out;
  }

  /** The 32-byte scalar of a private key. */
  public static byte[] encode(ECPrivateKey key) {
    byte[] out = new byte[COORDINATE_BYTES];
    unsigned(key.getS(), out, 0);
    return out;
  }

  /** Big-endian, left-padded with zeros to 32 bytes (BigInteger drops leading zeros and may add a sign byte). */
  private static void unsigned(BigInteger value, byte[] out, int offset) {
    byte[] bytes = value.toByteArray();
    int length = Math.min(bytes.length, COORDINATE_BYTES);
    System.arraycopy(bytes, bytes.length - length, out, offset + COORDINATE_BYTES - length, length);
  }

  public static String base64Url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Decodes base64url, with or without padding; IllegalArgumentException when it is not base64url. */
  public static byte[] fromBase64Url(String text) {
    return Base64.getUrlDecoder().decode(text);
  }
}
