package chat.media;

import chat.groups.MembershipCache;
import chat.protocol.ChatException;
import chat.protocol.ConversationId;
import chat.protocol.ErrorCode;
import chat.store.Media;
import chat.store.MediaStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.time.Clock;
import java.util.List;

/**
 * Uploads (quota, size limit, streaming into the blob store, type sniffing, image facts and
 * thumbnails, metadata) and the access rule of downloads: the uploader, and the participants of
 * any conversation where a message referenced the media (a group's current members); to everyone
 * else the media does not exist.
 */
public final class MediaService {
  /** At most this many groups are consulted for one download's access check. */
  static final int GROUP_REFERENCES_MAX = 1_000;

  private final Vertx vertx;
  private final MediaStore store;
  private final BlobStore blobs;
  private final MembershipCache groups;
  private final MediaSettings settings;
  private final Clock clock;

  /** What the client said about an upload: its declared type and name (both optional) and Content-Length (-1 when absent). */
  public record Declared(String contentType, String name, long contentLength) {
  }

  public MediaService(Vertx vertx, MediaStore store, BlobStore blobs, MembershipCache groups, MediaSettings settings,
                      Clock clock) {
    this.vertx = vertx;
    this.store = store;
    this.blobs = blobs;
    this.groups = groups;
    this.settings = settings;
    this.clock = clock;
  }

  /**
   * Takes one upload: checks the owner's daily quota, streams {@code body} (paused) into the blob
   * store up to the size limit, reads its type from its bytes, decodes images, and stores the
   * metadata. Errors: {@code too_large}, {@code rate_limited} (quota), {@code unsupported_media}.
   * Nothing is kept of a refused upload.
   */
  public Future<Media> upload(String ownerId, Declared declared, ReadStream<Buffer> body) {
    long now = clock.millis();
    return store.bytesUploaded(ownerId, Media.epochDay(now)).compose(used -> {
      long quotaLeft = settings.dailyQuotaBytes() - used;
      long cap = Math.min(settings.maxBytes(), quotaLeft);
      if (declared.contentLength() > cap || quotaLeft <= 0) {
        return Future.failedFuture(overLimit(cap, quotaLeft));
      }
      return blobs.stage(body, cap)
          .recover(e -> Future.failedFuture(e instanceof BlobStore.TooLarge ? overLimit(cap, quotaLeft) : e))
          .compose(staged -> describe(declared, staged)
              .compose(described -> keep(ownerId, declared, staged, described, now))
              .onFailure(e -> blobs.discard(staged)));
    });
  }

  private ChatException overLimit(long cap, long quotaLeft) {
    return cap == quotaLeft && quotaLeft < settings.maxBytes()
        ? new ChatException(ErrorCode.RATE_LIMITED, "daily upload quota of " + settings.dailyQuotaBytes()
            + " bytes reached")
        : new ChatException(ErrorCode.TOO_LARGE, "media may be at most " + settings.maxBytes() + " bytes");
  }

  /** What the bytes are: the sniffed type, checked against the declared one; for images, their size and thumbnail. */
  private record Described(String contentType, Integer width, Integer height, Images.Facts image) {
  }

  private Future<Described> describe(Declared declared, BlobStore.Staged staged) {
    if (staged.size() == 0) {
      return Future.failedFuture(new ChatException(ErrorCode.BAD_REQUEST, "the body is empty"));
    }
    String type = MediaTypes.sniff(staged.head());
    if (MediaTypes.contradicts(declared.contentType(), type)) {
      return Future.failedFuture(new ChatException(ErrorCode.UNSUPPORTED_MEDIA,
          "the bytes are " + type + ", not " + declared.contentType()));
    }
    return switch (type) {
      case MediaTypes.JPEG, MediaTypes.PNG, MediaTypes.GIF -> vertx.executeBlocking(
          () -> Images.decode(staged.file(), type), false)
          .map(image -> new Described(type, image.width(), image.height(), image));
      case MediaTypes.WEBP -> {
        try {
          int[] size = Images.webpSize(staged.head());
          yield Future.succeededFuture(new Described(type, size[0], size[1], null));
        } catch (ChatException e) {
          yield Future.failedFuture(e);
        }
      }
      default -> Future.succeededFuture(new Described(type, null, null, null));
    };
  }

  /** Stores the thumbnail, then the blob, then the metadata: metadata never names a blob that is not there. */
  private Future<Media> keep(String ownerId, Declared declared, BlobStore.Staged staged, Described described,
                             long now) {
    Images.Facts image = described.image();
    Future<Media.Thumbnail> thumbnail = image == null ? Future.succeededFuture()
        : blobs.stage(image.thumbnail()).compose(thumb -> blobs.commit(thumb).map(v ->
            new Media.Thumbnail(thumb.sha256(), image.thumbnailWidth(), image.thumbnailHeight(), thumb.size())));
    return thumbnail.compose(thumb -> {
      Media media = new Media(MediaIds.next(), ownerId, described.contentType(), staged.size(), staged.sha256(),
          declared.name(), described.width(), described.height(), thumb, now);
      return blobs.commit(staged).compose(v -> store.create(media)).map(media);
    });
  }

  /**
   * The media, if {@code userId} may read it; {@code not_found} otherwise, the same answer as for
   * an id that does not exist.
   */
  public Future<Media> readable(String userId, String mediaId) {
    if (!MediaIds.isWellFormed(mediaId)) {
      return Future.failedFuture(notFound());
    }
    return store.find(mediaId).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(notFound());
      }
      Media media = found.get();
      if (media.ownerId().equals(userId)) {
        return Future.succeededFuture(media);
      }
      // Only the owner can reference their media, so a direct conversation that did is one of the owner's.
      return store.isReferencedIn(mediaId, ConversationId.direct(media.ownerId(), userId).value())
          .compose(direct -> direct ? Future.succeededFuture(true)
              : store.groupReferences(mediaId, GROUP_REFERENCES_MAX).compose(ids -> memberOfAny(ids, 0, userId)))
          .compose(allowed -> allowed ? Future.succeededFuture(media) : Future.failedFuture(notFound()));
    });
  }

  /** Whether {@code userId} is a current member of one of the groups, asked one after another. */
  private Future<Boolean> memberOfAny(List<String> conversationIds, int from, String userId) {
    if (from == conversationIds.size()) {
      return Future.succeededFuture(false);
    }
    return groups.get(ConversationId.parse(conversationIds.get(from)).groupId()).compose(group ->
        group.isPresent() && group.get().isMember(userId) ? Future.succeededFuture(true)
            : memberOfAny(conversationIds, from + 1, userId));
  }

  private static ChatException notFound() {
    return new ChatException(ErrorCode.NOT_FOUND, "no such media");
  }
}
