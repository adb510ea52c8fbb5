package chat.store.sqlite;

import chat.store.Media;
import chat.store.MediaStore;
import io.vertx.core.Future;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Media metadata in SQLite.
 *
 * <p>Table {@code media}: key {@code media_id}; columns owner_id, content_type, size, sha256, name,
 * width, height, thumb_sha256, thumb_width, thumb_height, thumb_size (null without a thumbnail),
 * created_at and day (UTC days since the epoch). Index {@code media_by_owner_day} on
 * ({@code owner_id}, {@code day}) answers the daily quota's sum.
 *
 * <p>Table {@code media_refs}: key ({@code media_id}, {@code conversation_id}), one row per
 * conversation where a message referenced the media; group ids ({@code g:...}) are a key range.
 */
final class SqliteMediaStore implements MediaStore {
  static final List<String> SCHEMA = List.of("""
      CREATE TABLE IF NOT EXISTS media (
        media_id TEXT PRIMARY KEY,
        owner_id TEXT NOT NULL,
        content_type TEXT NOT NULL,
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        name TEXT,
        width INTEGER,
        height INTEGER,
        thumb_sha256 TEXT,
        thumb_width INTEGER,
        thumb_height INTEGER,
        thumb_size INTEGER,
        created_at INTEGER NOT NULL,
        day INTEGER NOT NULL
      ) WITHOUT ROWID""",
      "CREATE INDEX IF NOT EXISTS media_by_owner_day ON media (owner_id, day)",
      """
      CREATE TABLE IF NOT EXISTS media_refs (
        media_id TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        PRIMARY KEY (media_id, conversation_id)
      ) WITHOUT ROWID""");

  private final SqliteEngine engine;

  SqliteMediaStore(SqliteEngine engine) {
    this.engine = engine;
  }

  @Override
  public Future<Void> create(Media media) {
    Media.Thumbnail thumb = media.thumbnail();
    return engine.write(db -> {
      PreparedStatement ps = db.prepare("INSERT INTO media (media_id, owner_id, content_type, size, sha256, name, "
          + "width, height, thumb_sha256, thumb_width, thumb_height, thumb_size, created_at, day) "
          + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      ps.setString(1, media.mediaId());
      ps.setString(2, media.ownerId());
      ps.setString(3, media.contentType());
      ps.setLong(4, media.size());
      ps.setString(5, media.sha256());
      ps.setString(6, media.name());
      ps.setObject(7, media.width());
      ps.setObject(8, media.height());
      ps.setString(9, thumb == null ? null : thumb.sha256());
      ps.setObject(10, thumb == null ? null : thumb.width());
      ps.setObject(11, thumb == null ? null : thumb.height());
      ps.setObject(12, thumb == null ? null : thumb.size());
      ps.setLong(13, media.createdAt());
      ps.setLong(14, media.epochDay());
      ps.executeUpdate();
      return null;
    });
  }

  @Override
  public Future<Optional<Media>> find(String mediaId) {
    return engine.read(db -> {
      PreparedStatement ps = db.prepare("SELECT owner_id, content_type, size, sha256, name, width, height, "
          + "thumb_sha256, thumb_width, thumb_height, thumb_size, created_at FROM media WHERE media_id = ?");
      ps.setString(1, mediaId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.<Media>empty();
        }
        String thumbSha = rs.getString(8);
        Media.Thumbnail thumb = thumbSha == null ? null
            : new Media.Thumbnail(thumbSha, rs.getInt(9), rs.getInt(10), rs.getLong(11));
        return Optional.of(new Media(mediaId, rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4),
            rs.getString(5), nullableInt(rs, 6), nullableInt(rs, 7), thumb, rs.getLong(12)));
      }
    });
  }

  private static Integer nullableInt(ResultSet rs, int column) throws SQLException {
    int value = rs.getInt(column);
    return rs.wasNull() ? null : value;
  }

  @Override
  public Future<Long> bytesUploaded(String ownerId, long epochDay) {
    return engine.read(db -> {
      PreparedStatement ps = db.prepare("SELECT coalesce(sum(size), 0) FROM media WHERE owner_id = ? AND day = ?");
      ps.setString(1, ownerId);
      ps.setLong(2, epochDay);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  @Override
  public Future<Void> addReference(String mediaId, String conversationId) {
    return engine.write(db -> {
      PreparedStatement ps = db.prepare(
          "INSERT INTO media_refs (media_id, conversation_id) VALUES (?, ?) ON CONFLICT DO NOTHING");
      ps.setString(1, mediaId);
      ps.setString(2, conversationId);
      ps.executeUpdate();
      return null;
    });
  }

  @Override
  public Future<Boolean> isReferencedIn(String mediaId, String conversationId) {
    return engine.read(db -> {
      PreparedStatement ps = db.prepare("SELECT 1 FROM media_refs WHERE media_id = ? AND conversation_id = ?");
      ps.setString(1, mediaId);
      ps.setString(2, conversationId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    });
  }

  @Override
  public Future<List<String>> groupReferences(String mediaId, int limit) {
    return engine.read(db -> {
      // 'g;' is the first string after every 'g:...' id (';' follows ':'), so this is exactly the group ids.
      PreparedStatement ps = db.prepare("SELECT conversation_id FROM media_refs WHERE media_id = ? "
          + "AND conversation_id >= 'g:' AND conversation_id < 'g;' ORDER BY conversation_id LIMIT ?");
      ps.setString(1, mediaId);
      ps.setInt(2, limit);
      List<String> groups = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          groups.add(rs.getString(1));
        }
      }
      return groups;
    });
  }
}
