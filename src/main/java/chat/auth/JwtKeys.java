package chat.auth;

import chat.config.KeyFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The HS256 signing secret: the configured one, else {@code jwt.key} in the data dir, created
 * (owner-only, 256 random bits) on first start, so a restart keeps issued tokens valid.
 */
public final class JwtKeys {
  static final String FILE_NAME = "jwt.key";

  private JwtKeys() {
  }

  public static String loadOrCreate(Path dataDir, String configured) throws IOException {
    if (configured != null && !configured.isBlank()) {
      if (configured.length() < 32) {
        throw new IllegalArgumentException("the JWT secret must be at least 32 characters");
      }
      return configured;
    }
    return KeyFiles.loadOrCreate(dataDir, FILE_NAME, () -> {
      byte[] secret = new byte[32];
      new SecureRandom().nextBytes(secret);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    });
  }
}
