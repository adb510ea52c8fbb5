package chat.media;

import chat.protocol.ChatException;
import chat.protocol.ConversationId;
import chat.protocol.ErrorCode;
import chat.protocol.SendCommand;
import chat.store.Media;
import chat.store.MediaStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * Messages that carry media: kinds {@code image}, {@code video}, {@code audio} and {@code file},
 * with a {@code media} object and an optional caption. Such a message is stored like any other; its
 * stored body is the JSON of its wire fields, {@code {"media":{...},"body":caption}}, so history,
 * inboxes, conversation lists and the Kafka record carry it unchanged.
 */
public final class MediaMessages {
  private static final Set<String> KINDS = Set.of("image", "video", "audio", "file");
  private static final String TEXT_KIND = "text";
  private static final int MEDIA_ID_MAX_CHARS = 64;

  private final MediaStore store;

  public MediaMessages(MediaStore store) {
    this.store = store;
  }

  public static boolean isMediaKind(String kind) {
    return KINDS.contains(kind);
  }

  /**
   * The {@code media.mediaId} of a {@code send} frame, null without {@code media}; {@code bad_request}
   * when {@code media} is not an object with a string {@code mediaId}.
   */
  public static String mediaIdOf(JsonObject sendFrame) {
    Object media = sendFrame.getValue("media");
    if (media == null) {
      return null;
    }
    if (media instanceof JsonObject json && json.getValue("mediaId") instanceof String id) {
      return id;
    }
    throw new ChatException(ErrorCode.BAD_REQUEST, "media must be an object with a string mediaId");
  }

  /**
   * Checks a send's kind, body and media fields: text needs a body of 1 to {@code maxBodyChars};
   * a media kind needs {@code media} and may have a caption of that length; only media kinds carry media.
   */
  public static void checkShape(SendCommand command, int maxBodyChars) {
    boolean media = isMediaKind(command.kind());
    if (!media && !TEXT_KIND.equals(command.kind())) {
      throw new ChatException(ErrorCode.BAD_REQUEST, "kind must be text, image, video, audio or file");
    }
    boolean captionless = media && command.body() == null;
    if (!captionless && (command.body() == null || command.body().isEmpty() || command.body().length() > maxBodyChars)) {
      throw new ChatException(ErrorCode.BAD_REQUEST, "body must be 1 to " + maxBodyChars + " characters");
    }
    if (media != (command.mediaId() != null)) {
      throw new ChatException(ErrorCode.BAD_REQUEST, media ? "kind " + command.kind() + " needs media.mediaId"
          : "only image, video, audio and file messages carry media");
    }
    if (media && (command.mediaId().isEmpty() || command.mediaId().length() > MEDIA_ID_MAX_CHARS)) {
      throw new ChatException(ErrorCode.NOT_FOUND, "no such media");
    }
  }

  /**
   * The body to store for a checked send: a text's body as is; for media, the stored JSON, once the
   * media is found ({@code not_found}), is the sender's ({@code forbidden}), suits the kind
   * ({@code bad_request}), and {@code conversation} is recorded as referencing it, so that its
   * participants may download it by the time they see the message.
   */
  public Future<String> storedBody(SendCommand command, ConversationId conversation) {
    if (!isMediaKind(command.kind())) {
      return Future.succeededFuture(command.body());
    }
    return store.find(command.mediaId()).compose(found -> {
      Media media = found.orElseThrow(() -> new ChatException(ErrorCode.NOT_FOUND, "no such media"));
      if (!media.ownerId().equals(command.senderId())) {
        throw new ChatException(ErrorCode.FORBIDDEN, "only the uploader may send this media");
      }
      if (!command.kind().equals("file") && !media.contentType().startsWith(command.kind() + "/")) {
        throw new ChatException(ErrorCode.BAD_REQUEST, "kind " + command.kind() + " needs " + command.kind()
            + " media, not " + media.contentType());
      }
      JsonObject stored = new JsonObject().put("media", describe(media));
      if (command.body() != null) {
        stored.put("body", command.body());
      }
      return store.addReference(media.mediaId(), conversation.value()).map(v -> stored.encode());
    });
  }

  /** A media object as uploads answer it and messages carry it. */
  public static JsonObject describe(Media media) {
    JsonObject json = new JsonObject().put("mediaId", media.mediaId()).put("contentType", media.contentType())
        .put("size", media.size()).put("sha256", media.sha256());
    if (media.name() != null) {
      json.put("name", media.name());
    }
    if (media.width() != null) {
      json.put("width", media.width()).put("height", media.height());
    }
    if (media.thumbnail() != null) {
      json.put("thumbnail", new JsonObject().put("width", media.thumbnail().width())
          .put("height", media.thumbnail().height()));
    }
    return json;
  }

  /** Adds a stored media message's fields ({@code media}, and {@code body} when captioned) to its wire object. */
  public static void addWireFields(JsonObject message, String storedBody) {
    message.mergeIn(new JsonObject(storedBody));
  }
}
