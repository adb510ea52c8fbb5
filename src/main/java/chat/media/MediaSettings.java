package chat.media;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/**
 * The {@code media} config section, parsed once. {@code dir} is the blob store's directory: by
 * default {@code <dataDir>/media}; in a cluster, one directory every node mounts.
 */
public record MediaSettings(Path dir, long maxBytes, long dailyQuotaBytes) {

  public static MediaSettings from(JsonObject config) {
    JsonObject media = config.getJsonObject("media", new JsonObject());
    String dir = media.getString("dir");
    Path path = dir == null || dir.isBlank() ? Path.of(config.getString("dataDir", "./data"), "media") : Path.of(dir);
    // Absolute: Vert.x resolves a relative path that does not exist yet against the classpath first.
    return new MediaSettings(path.toAbsolutePath().normalize(), media.getLong("maxBytes", 20L * 1024 * 1024),
        media.getLong("dailyQuotaBytes", 1024L * 1024 * 1024));
  }
}
