package chat.store.cassandra;

import static chat.store.cassandra.Cql.bind;

import chat.store.Media;
import chat.store.MediaStore;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * Media metadata in Cassandra.
 *
 * <p>Table {@code media}: key {@code media_id}; columns owner_id, content_type, size, sha256, name,
 * width, height, thumb_sha256, thumb_width, thumb_height, thumb_size (unset without a thumbnail),
 * created_at. Written once per upload, never updated.
 *
 * <p>Table {@code media_uploads}: partition ({@code owner_id}, {@code day}) (UTC days since the
 * epoch), clustering {@code media_id}; column size. The daily quota sums one partition. It is
 * written before {@code media}, so an upload is counted before it can be used.
 *
 * <p>Table {@code media_refs}: partition {@code media_id}, clustering {@code conversation_id}; one
 * row per conversation where a message referenced the media (an insert again is a no-op). Group ids
 * ({@code g:...}) are a clustering range.
 */
final class CassandraMediaStore implements MediaStore {
  static final List<String> SCHEMA = List.of("""
      CREATE TABLE IF NOT EXISTS $ks.media (
        media_id text PRIMARY KEY,
        owner_id text,
        content_type text,
        size bigint,
        sha256 text,
        name text,
        width int,
        height int,
        thumb_sha256 text,
        thumb_width int,
        thumb_height int,
        thumb_size bigint,
        created_at bigint
      )""", """
      CREATE TABLE IF NOT EXISTS $ks.media_uploads (
        owner_id text,
        day bigint,
        media_id text,
        size bigint,
        PRIMARY KEY ((owner_id, day), media_id)
      )""", """
      CREATE TABLE IF NOT EXISTS $ks.media_refs (
        media_id text,
        conversation_id text,
        PRIMARY KEY ((media_id), conversation_id)
      )""");

  private final Cql cql;
  private PreparedStatement insertMedia;
  private PreparedStatement insertUpload;
  private PreparedStatement selectMedia;
  private PreparedStatement sumUploads;
  private PreparedStatement insertRef;
  private PreparedStatement selectRef;
  private PreparedStatement selectGroupRefs;

  CassandraMediaStore(Cql cql) {
    this.cql = cql;
  }

  Future<Void> prepare() {
    return Future.all(List.of(
        cql.prepare("INSERT INTO $ks.media (media_id, owner_id, content_type, size, sha256, name, width, height, "
            + "thumb_sha256, thumb_width, thumb_height, thumb_size, created_at) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").onSuccess(ps -> insertMedia = ps),
        cql.prepare("INSERT INTO $ks.media_uploads (owner_id, day, media_id, size) VALUES (?, ?, ?, ?)")
            .onSuccess(ps -> insertUpload = ps),
        cql.prepare("SELECT owner_id, content_type, size, sha256, name, width, height, thumb_sha256, thumb_width, "
            + "thumb_height, thumb_size, created_at FROM $ks.media WHERE media_id = ?").onSuccess(ps -> selectMedia = ps),
        cql.prepare("SELECT sum(size) FROM $ks.media_uploads WHERE owner_id = ? AND day = ?")
            .onSuccess(ps -> sumUploads = ps),
        cql.prepare("INSERT INTO $ks.media_refs (media_id, conversation_id) VALUES (?, ?)")
            .onSuccess(ps -> insertRef = ps),
        cql.prepare("SELECT conversation_id FROM $ks.media_refs WHERE media_id = ? AND conversation_id = ?")
            .onSuccess(ps -> selectRef = ps),
        // 'g;' is the first string after every 'g:...' id (';' follows ':'), so this is exactly the group ids.
        cql.prepare("SELECT conversation_id FROM $ks.media_refs WHERE media_id = ? AND conversation_id >= 'g:' "
            + "AND conversation_id < 'g;' LIMIT ?").onSuccess(ps -> selectGroupRefs = ps))).mapEmpty();
  }

  @Override
  public Future<Void> create(Media media) {
    Media.Thumbnail thumb = media.thumbnail();
    return cql.execute(bind(insertUpload, media.ownerId(), media.epochDay(), media.mediaId(), media.size()))
        .compose(counted -> cql.execute(bind(insertMedia, media.mediaId(), media.ownerId(), media.contentType(),
            media.size(), media.sha256(), media.name(), media.width(), media.height(),
            thumb == null ? null : thumb.sha256(), thumb == null ? null : thumb.width(),
            thumb == null ? null : thumb.height(), thumb == null ? null : thumb.size(), media.createdAt())))
        .mapEmpty();
  }

  @Override
  public Future<Optional<Media>> find(String mediaId) {
    return cql.one(bind(selectMedia, mediaId)).map(row -> row == null ? Optional.empty() : Optional.of(
        new Media(mediaId, row.getString(0), row.getString(1), row.getLong(2), row.getString(3), row.getString(4),
            nullableInt(row, 5), nullableInt(row, 6),
            row.isNull(7) ? null : new Media.Thumbnail(row.getString(7), row.getInt(8), row.getInt(9), row.getLong(10)),
            row.getLong(11))));
  }

  private static Integer nullableInt(Row row, int column) {
    return row.isNull(column) ? null : row.getInt(column);
  }

  @Override
  public Future<Long> bytesUploaded(String ownerId, long epochDay) {
    return cql.one(bind(sumUploads, ownerId, epochDay)).map(row -> row == null || row.isNull(0) ? 0L : row.getLong(0));
  }

  @Override
  public Future<Void> addReference(String mediaId, String conversationId) {
    return cql.execute(bind(insertRef, mediaId, conversationId)).mapEmpty();
  }

  @Override
  public Future<Boolean> isReferencedIn(String mediaId, String conversationId) {
    return cql.one(bind(selectRef, mediaId, conversationId)).map(row -> row != null);
  }

  @Override
  public Future<List<String>> groupReferences(String mediaId, int limit) {
    return cql.all(bind(selectGroupRefs, mediaId, limit)).map(rows -> rows.stream().map(r -> r.getString(0)).toList());
  }
}
