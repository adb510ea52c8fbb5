package chat.gateway;

import chat.groups.MembershipCache;
import chat.media.BlobStore;
import chat.media.ByteRange;
import chat.media.FileBlobStore;
import chat.media.MediaMessages;
import chat.media.MediaService;
import chat.media.MediaSettings;
import chat.media.MediaTypes;
import chat.protocol.ChatException;
import chat.protocol.ErrorCode;
import chat.store.Media;
import chat.store.MediaStore;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The media endpoints: {@code POST /api/v1/media} streams the raw request body into the blob store
 * (never through the JSON body handler, so a 20 MB upload is never whole in memory), and
 * {@code GET /api/v1/media/{mediaId}} and {@code .../thumbnail} stream bytes back with Range,
 * ETag/If-None-Match, Content-Length and {@code nosniff}. Errors use the REST error envelope.
 */
final class MediaApi {
  private static final Logger LOG = LoggerFactory.getLogger(MediaApi.class);
  private static final String PATH = "/api/v1/media";
  /** A refused upload is read on (and dropped) for at most this many bytes, so the client sees the answer; then the connection closes. */
  private static final long DRAIN_MAX_BYTES = 1 << 20;
  private static final int NAME_MAX_CHARS = 255;

  private final RestApi rest;
  private final BlobStore blobs;
  private final MediaService service;

  MediaApi(Vertx vertx, RestApi rest, MediaStore store, MembershipCache groups, MediaSettings settings) {
    this.rest = rest;
    this.blobs = new FileBlobStore(vertx, settings.dir());
    this.service = new MediaService(vertx, store, blobs, groups, settings, Clock.systemUTC());
  }

  void mount(Router router) {
    router.post(PATH).handler(this::upload);
    router.get(PATH + "/:mediaId").handler(ctx -> download(ctx, false));
    router.get(PATH + "/:mediaId/thumbnail").handler(ctx -> download(ctx, true));
  }

  private void upload(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    request.pause(); // nothing is read before the caller is known and the quota checked
    var uploaded = rest.caller(ctx).compose(who -> {
      MediaService.Declared declared = new MediaService.Declared(request.getHeader(HttpHeaders.CONTENT_TYPE),
          fileName(request.getHeader("X-File-Name")), contentLength(request));
      if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
        ctx.response().writeContinue();
      }
      return service.upload(who.userId(), declared, request);
    });
    RestApi.reply(ctx, 201, uploaded.map(MediaMessages::describe).onFailure(e -> drop(request)));
  }

  /** Reads the rest of a refused body and throws it away, up to {@link #DRAIN_MAX_BYTES}; past that, closes the connection. */
  private static void drop(HttpServerRequest request) {
    if (request.isEnded()) {
      return;
    }
    long[] dropped = {0};
    request.exceptionHandler(e -> { });
    request.endHandler(v -> { });
    request.handler(data -> {
      dropped[0] += data.length();
      if (dropped[0] > DRAIN_MAX_BYTES) {
        request.connection().close();
      }
    });
    request.resume();
  }

  /** The optional {@code X-File-Name}: UTF-8, percent-encoded; 1 to 255 characters, no control characters or slashes. */
  private static String fileName(String header) {
    if (header == null) {
      return null;
    }
    String name;
    try {
      name = URLDecoder.decode(header.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new ChatException(ErrorCode.BAD_REQUEST, "X-File-Name must be percent-encoded UTF-8");
    }
    boolean clean = name.chars().noneMatch(c -> c < 0x20 || c == 0x7F || c == '/' || c == '\\');
    if (name.isBlank() || name.length() > NAME_MAX_CHARS || !clean) {
      throw new ChatException(ErrorCode.BAD_REQUEST,
          "X-File-Name must be 1 to " + NAME_MAX_CHARS + " characters, without control characters or slashes");
    }
    return name;
  }

  private static long contentLength(HttpServerRequest request) {
    String header = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    try {
      return header == null ? -1 : Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      throw new ChatException(ErrorCode.BAD_REQUEST, "Content-Length must be a number");
    }
  }

  private void download(RoutingContext ctx, boolean thumbnail) {
    rest.caller(ctx).compose(who -> service.readable(who.userId(), ctx.pathParam("mediaId")))
        .onSuccess(media -> serve(ctx, media, thumbnail))
        .onFailure(e -> RestApi.fail(ctx, e));
  }

  private void serve(RoutingContext ctx, Media media, boolean thumbnail) {
    if (thumbnail && media.thumbnail() == null) {
      RestApi.fail(ctx, new ChatException(ErrorCode.NOT_FOUND, "this media has no thumbnail"));
      return;
    }
    String sha256 = thumbnail ? media.thumbnail().sha256() : media.sha256();
    long size = thumbnail ? media.thumbnail().size() : media.size();
    String etag = "\"" + sha256 + "\"";
    HttpServerRequest request = ctx.request();
    HttpServerResponse response = ctx.response()
        .putHeader(HttpHeaders.ETAG, etag)
        // Bytes never change, but access can end (a member removed): revalidate every time, privately.
        .putHeader(HttpHeaders.CACHE_CONTROL, "private, no-cache")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader(HttpHeaders.ACCEPT_RANGES, "bytes");
    if (matchesAny(request.getHeader(HttpHeaders.IF_NONE_MATCH), etag)) {
      response.setStatusCode(304).end();
      return;
    }
    String ifRange = request.getHeader("If-Range");
    ByteRange range;
    try {
      range = ifRange == null || ifRange.trim().equals(etag) ? ByteRange.parse(request.getHeader("Range"), size)
          : null;
    } catch (ChatException e) {
      response.putHeader(HttpHeaders.CONTENT_RANGE, "bytes */" + size);
      RestApi.fail(ctx, e);
      return;
    }
    String contentType = thumbnail ? MediaTypes.JPEG : media.contentType();
    if (!MediaTypes.isMedia(contentType)) {
      response.putHeader(HttpHeaders.CONTENT_DISPOSITION, attachment(media.name()));
    }
    long offset = range == null ? 0 : range.offset();
    long length = range == null ? size : range.length();
    if (range != null) {
      response.setStatusCode(206).putHeader(HttpHeaders.CONTENT_RANGE, range.contentRange(size));
    }
    // identity: the compressing HTTP server must leave these bytes (and their Content-Length and ranges) alone
    response.putHeader(HttpHeaders.CONTENT_TYPE, contentType)
        .putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(length))
        .putHeader(HttpHeaders.CONTENT_ENCODING, HttpHeaders.IDENTITY);
    blobs.streamTo(sha256, offset, length, response).onFailure(e -> {
      if (response.headWritten()) {
        LOG.debug("media {} stopped mid-stream", media.mediaId(), e);
        response.reset();
      } else {
        response.headers().clear();
        RestApi.fail(ctx, e);
      }
    });
  }

  /** Whether an {@code If-None-Match} list names {@code etag} (weakly compared) or is {@code *}. */
  private static boolean matchesAny(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String candidate : ifNoneMatch.split(",")) {
      String tag = candidate.trim();
      if (tag.equals("*") || (tag.startsWith("W/") ? tag.substring(2) : tag).equals(etag)) {
        return true;
      }
    }
    return false;
  }

  /** {@code attachment}, with the file name as plain ASCII and, exactly, as RFC 8187 UTF-8. */
  private static String attachment(String name) {
    if (name == null) {
      return "attachment";
    }
    String ascii = name.replaceAll("[^\\x20-\\x7E]|[\"\\\\]", "_");
    String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
  }
}
