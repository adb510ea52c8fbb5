package chat.store;

import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * Media metadata, the per-day upload totals of the quota, and which conversations reference each
 * media object (the access list of a download). The bytes themselves are not here: see
 * {@code chat.media.BlobStore}.
 */
public interface MediaStore {
  /** Stores a new upload's metadata and counts its size in the owner's total for its day. */
  Future<Void> create(Media media);

  Future<Optional<Media>> find(String mediaId);

  /** The bytes {@code ownerId} uploaded on {@code epochDay} (UTC days since the epoch); 0 when none. */
  Future<Long> bytesUploaded(String ownerId, long epochDay);

  /** Records that a message of {@code conversationId} references the media; recording it again changes nothing. */
  Future<Void> addReference(String mediaId, String conversationId);

  Future<Boolean> isReferencedIn(String mediaId, String conversationId);

  /** The group conversations ({@code g:} ids) that reference the media, in id order, at most {@code limit}. */
  Future<List<String>> groupReferences(String mediaId, int limit);
}
