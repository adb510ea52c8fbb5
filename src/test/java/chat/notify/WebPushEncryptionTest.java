package chat.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class WebPushEncryptionTest {
  // RFC 8291 section 5 (and Appendix A): the example's keys, salt and resulting message.
  private static final String PLAINTEXT = "When I grow up, I want to be a watermelon";
  private static final String AS_PRIVATE = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
  private static final String AS_PUBLIC =
      "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
  private static final String UA_PUBLIC =
      "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
  private static final String SALT = "DGv6ra1nlYgDCS1FRnbzlw";
  private static final String AUTH_SECRET = "BTBZMqHH6r4Tts7J_aSIgg";
  private static final String MESSAGE = "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3v"
      + "CYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

  @Test
  @DisplayName("Encrypting the example of RFC 8291 section 5 with its keys and salt gives the RFC's message byte for byte")
  void rfc8291Example() {
    KeyPair sender = P256.keyPair(P256.fromBase64Url(AS_PRIVATE));
    assertThat(P256.base64Url(P256.encode((ECPublicKey) sender.getPublic()))).isEqualTo(AS_PUBLIC);
    byte[] message = WebPushEncryption.encrypt(PLAINTEXT.getBytes(StandardCharsets.UTF_8),
        P256.publicKey(P256.fromBase64Url(UA_PUBLIC)), P256.fromBase64Url(AUTH_SECRET), sender,
        P256.fromBase64Url(SALT));
    assertThat(P256.base64Url(message)).isEqualTo(MESSAGE);
  }

  @Test
  @DisplayName("A public key that is not a point of P-256 is refused before any key agreement")
  void pointOffTheCurveIsRefused() {
    byte[] offCurve = P256.fromBase64Url(UA_PUBLIC);
    offCurve[64] ^= 1;
    assertThatThrownBy(() -> P256.publicKey(offCurve)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("A plaintext longer than one 4096-byte push message allows is refused")
  void oversizedPlaintextIsRefused() {
    assertThatThrownBy(() -> WebPushEncryption.encrypt(new byte[WebPushEncryption.MAX_PLAINTEXT + 1],
        P256.publicKey(P256.fromBase64Url(UA_PUBLIC)), P256.fromBase64Url(AUTH_SECRET)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(WebPushEncryption.MAX_PLAINTEXT).isEqualTo(3993);
  }
}
