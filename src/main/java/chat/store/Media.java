package chat.store;

/**
 * One upload's metadata. The bytes live in the blob store under their SHA-256 ({@code sha256},
 * lower-case hex), so identical uploads share one blob while each keeps its own id and owner.
 * {@code width} and {@code height} are set for images only; {@code thumbnail} for images that
 * could be decoded (JPEG, PNG, GIF); {@code name} when the uploader gave one.
 */
public record Media(String mediaId, String ownerId, String contentType, long size, String sha256, String name,
                    Integer width, Integer height, Thumbnail thumbnail, long createdAt) {
  private static final long DAY_MS = 86_400_000L;

  /** A JPEG preview, its longest side at most 320 px, stored as a blob of its own. */
  public record Thumbnail(String sha256, int width, int height, long size) {
  }

  /** The UTC day of the upload (days since the epoch), which the daily quota counts by. */
  public long epochDay() {
    return epochDay(createdAt);
  }

  public static long epochDay(long epochMillis) {
    return Math.floorDiv(epochMillis, DAY_MS);
  }
}
