package chat.media;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Media ids: 128 random bits, base64url without padding (22 characters). They tell nothing about
 * the owner, the content or the time, and cannot be guessed.
 */
final class MediaIds {
  private static final int RANDOM_BYTES = 16;
  private static final int LENGTH = 22;
  private static final SecureRandom RANDOM = new SecureRandom();

  private MediaIds() {
  }

  static String next() {
    byte[] bytes = new byte[RANDOM_BYTES];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Whether {@code id} can be a media id; anything else names no media and needs no store read. */
  static boolean isWellFormed(String id) {
    if (id == null || id.length() != LENGTH) {
      return false;
    }
    for (int i = 0; i < LENGTH; i++) {
      char c = id.charAt(i);
      if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
        return false;
      }
    }
    return true;
  }
}
