package chat.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
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
    Path file = dataDir.resolve(FILE_NAME);
    if (Files.exists(file)) {
      return Files.readString(file, StandardCharsets.UTF_8).trim();
    }
    Files.createDirectories(dataDir);
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    Path tmp = dataDir.resolve(FILE_NAME + ".tmp");
    Files.writeString(tmp, encoded, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SYNC);
    try {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // best effort on non-POSIX file systems
    }
    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return encoded;
  }
}
