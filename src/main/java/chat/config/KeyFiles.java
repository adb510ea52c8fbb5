package chat.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Supplier;

/**
 * A key kept in a file of the data dir: read when it exists, else generated once and written
 * owner-only and atomically (a crash mid-write leaves no half key), so a restart keeps it.
 */
public final class KeyFiles {
  private KeyFiles() {
  }

  /** Blocking: the trimmed content of {@code dataDir/fileName}, created from {@code generate} first if missing. */
  public static String loadOrCreate(Path dataDir, String fileName, Supplier<String> generate) throws IOException {
    Path file = dataDir.resolve(fileName);
    if (Files.exists(file)) {
      return Files.readString(file, StandardCharsets.UTF_8).trim();
    }
    Files.createDirectories(dataDir);
    String key = generate.get();
    Path tmp = dataDir.resolve(fileName + ".tmp");
    Files.writeString(tmp, key, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SYNC);
    try {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // best effort on non-POSIX file systems
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    return key;
  }
}
