package chat;

import static chat.support.HttpAnswers.assertError;
import static chat.support.HttpAnswers.expect;
import static org.assertj.core.api.Assertions.assertThat;

import chat.support.ChatClient;
import chat.support.ChatClient.User;
import chat.support.ChildNode;
import chat.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Media end to end over real HTTP and WebSocket: upload and download of every kind, type sniffing,
 * limits, thumbnails, Range and ETag, the access matrix, and media messages live, through sync and
 * in history. Runs on an embedded node and, in the {@code cluster-e2e} pass, on the shared 3-node
 * cluster (whose nodes share one blob directory), where uploads, downloads and sockets are spread
 * over the nodes; cases that need their own limits run on an embedded node only.
 */
@ExtendWith(VertxExtension.class)
class MediaTest {
  private static final String MEDIA = "/api/v1/media";
  private static final int LIMIT = 20 * 1024 * 1024;

  /** A client and three fresh users, each logged in on device "phone". */
  record World(ChatClient client, User alice, User bob, User carol) {
  }

  private static Future<World> world(Vertx vertx, Path dir) {
    return TestNode.client(vertx, dir).compose(MediaTest::users);
  }

  private static Future<World> users(ChatClient client) {
    return client.newUser("phone").compose(a -> client.newUser("phone")
        .compose(b -> client.newUser("phone").map(c -> new World(client, a, b, c))));
  }

  // --- sample media ---

  private static Buffer picture(String format, int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.ORANGE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.BLUE);
    g.fillOval(width / 4, height / 4, width / 2, height / 2);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, format, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Buffer.buffer(out.toByteArray());
  }

  /** {@code prefix} (ints are bytes, strings ASCII), then {@code n} random bytes. */
  private static Buffer bytes(int n, Object... prefix) {
    Buffer b = Buffer.buffer();
    for (Object part : prefix) {
      if (part instanceof String s) {
        b.appendString(s, "ISO-8859-1");
      } else {
        b.appendByte((byte) (int) (Integer) part);
      }
    }
    byte[] random = new byte[n];
    new Random(n).nextBytes(random);
    return b.appendBytes(random);
  }

  /** A WebP file with an extended (VP8X) header of the given canvas size; its pixels are not decodable. */
  private static Buffer webp(int width, int height) {
    Buffer header = Buffer.buffer().appendString("RIFF").appendIntLE(1000).appendString("WEBPVP8X").appendIntLE(10)
        .appendIntLE(0).appendMediumLE(width - 1).appendMediumLE(height - 1);
    return header.appendBuffer(bytes(500));
  }

  private static String sha256(Buffer b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.getBytes()));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  // --- HTTP helpers ---

  private static Future<HttpResponse<Buffer>> upload(ChatClient client, User as, Buffer body, String type,
                                                     String name) {
    HttpRequest<Buffer> request = client.raw(HttpMethod.POST, MEDIA).bearerTokenAuthentication(as.accessToken());
    if (type != null) {
      request.putHeader("Content-Type", type);
    }
    if (name != null) {
      request.putHeader("X-File-Name", URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return request.sendBuffer(body);
  }

  /** Uploads; fails unless the answer is 201, and gives the media object. */
  private static Future<JsonObject> uploaded(ChatClient client, User as, Buffer body, String type) {
    return expect(201, upload(client, as, body, type, null));
  }

  private static Future<HttpResponse<Buffer>> download(ChatClient client, User as, String path, String... headers) {
    HttpRequest<Buffer> request = client.raw(HttpMethod.GET, path).bearerTokenAuthentication(as.accessToken());
    for (int i = 0; i < headers.length; i += 2) {
      request.putHeader(headers[i], headers[i + 1]);
    }
    return request.send();
  }

  /** Runs the calls one after another and gives their results in order. */
  private static <T> Future<List<T>> inOrder(List<java.util.function.Supplier<Future<T>>> calls) {
    List<T> results = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (var call : calls) {
      chain = chain.compose(v -> call.get().map(r -> {
        results.add(r);
        return null;
      }));
    }
    return chain.map(results);
  }

  private static JsonObject mediaSend(String id, String to, String kind, String mediaId, String caption) {
    JsonObject frame = new JsonObject().put("type", "send").put("id", id).put("to", to).put("kind", kind)
        .put("media", new JsonObject().put("mediaId", mediaId));
    return caption == null ? frame : frame.put("body", caption);
  }

  // --- cases ---

  @Test
  @DisplayName("Every kind round-trips: the upload answers the type read from the bytes, the size and the SHA-256, and the uploader downloads the same bytes")
  void roundTripEveryKind(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    Map<String, Buffer> samples = new LinkedHashMap<>();
    samples.put("image/jpeg", picture("jpeg", 640, 480));
    samples.put("image/png", picture("png", 640, 480));
    samples.put("image/gif", picture("gif", 640, 480));
    samples.put("image/webp", webp(1024, 768));
    samples.put("video/mp4", bytes(3000, 0, 0, 0, 0x18, "ftypisom", 0, 0, 2, 0, "isomiso2"));
    samples.put("video/webm", bytes(3000, 0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84,
        "webm"));
    samples.put("audio/ogg", bytes(3000, "OggS", 0, 2));
    samples.put("audio/mpeg", bytes(3000, "ID3", 3, 0, 0));
    samples.put("audio/mp4", bytes(3000, 0, 0, 0, 0x20, "ftypM4A ", 0, 0, 0, 0));
    samples.put("application/octet-stream", bytes(3000, "%PDF-1.7\n"));
    world(vertx, dir).compose(w -> inOrder(samples.entrySet().stream()
        .<java.util.function.Supplier<Future<List<Object>>>>map(sample -> () -> upload(w.client(), w.alice(),
                sample.getValue(), null, "sample ✓ " + sample.getKey().replace('/', '-'))
            .compose(up -> up.statusCode() != 201 ? Future.failedFuture(sample.getKey() + ": " + up.bodyAsString())
                : download(w.client(), w.alice(), MEDIA + "/" + up.bodyAsJsonObject().getString("mediaId"))
                    .map(down -> List.of(sample, up.bodyAsJsonObject(), down))))
        .toList()))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          for (List<Object> result : all) {
            @SuppressWarnings("unchecked")
            Map.Entry<String, Buffer> sample = (Map.Entry<String, Buffer>) result.get(0);
            JsonObject media = (JsonObject) result.get(1);
            @SuppressWarnings("unchecked")
            HttpResponse<Buffer> down = (HttpResponse<Buffer>) result.get(2);
            String type = sample.getKey();
            assertThat(media.getString("contentType")).as(type).isEqualTo(type);
            assertThat(media.getLong("size")).as(type).isEqualTo(sample.getValue().length());
            assertThat(media.getString("sha256")).as(type).isEqualTo(sha256(sample.getValue()));
            assertThat(media.getString("mediaId")).as(type).matches("[A-Za-z0-9_-]{22}");
            assertThat(media.getString("name")).isEqualTo("sample ✓ " + type.replace('/', '-'));
            assertThat(down.statusCode()).as(type).isEqualTo(200);
            assertThat(sha256(down.body())).as(type).isEqualTo(sha256(sample.getValue()));
            assertThat(down.getHeader("Content-Type")).isEqualTo(type);
            assertThat(down.getHeader("Content-Length")).isEqualTo(Integer.toString(sample.getValue().length()));
            assertThat(down.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(down.getHeader("ETag")).isEqualTo("\"" + media.getString("sha256") + "\"");
            boolean image = type.startsWith("image/");
            assertThat(media.containsKey("width")).as(type).isEqualTo(image);
            assertThat(media.containsKey("thumbnail")).as(type).isEqualTo(image && !type.equals("image/webp"));
            if (type.equals("application/octet-stream")) {
              assertThat(down.getHeader("Content-Disposition")).isEqualTo("attachment; filename=\"sample _ "
                  + "application-octet-stream\"; filename*=UTF-8''sample%20%E2%9C%93%20application-octet-stream");
            } else {
              assertThat(down.getHeader("Content-Disposition")).as(type).isNull();
            }
          }
          assertThat(all.get(0).get(1)).isInstanceOfSatisfying(JsonObject.class, jpeg -> {
            assertThat(jpeg.getInteger("width")).isEqualTo(640);
            assertThat(jpeg.getInteger("height")).isEqualTo(480);
          });
          assertThat(((JsonObject) all.get(3).get(1)).getInteger("width")).isEqualTo(1024);
          assertThat(((JsonObject) all.get(3).get(1)).getInteger("height")).isEqualTo(768);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("An image's thumbnail is a JPEG with its longest side at 320 px (smaller images keep their size); a WebP has none")
  void thumbnails(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    world(vertx, dir).compose(w -> uploaded(w.client(), w.alice(), picture("png", 1000, 500), "image/png")
        .compose(wide -> uploaded(w.client(), w.alice(), picture("jpeg", 100, 60), null)
            .compose(small -> uploaded(w.client(), w.alice(), webp(800, 600), "image/webp")
                .compose(webp -> download(w.client(), w.alice(), MEDIA + "/" + wide.getString("mediaId") + "/thumbnail")
                    .compose(wideThumb -> download(w.client(), w.alice(),
                        MEDIA + "/" + small.getString("mediaId") + "/thumbnail")
                        .compose(smallThumb -> download(w.client(), w.alice(),
                            MEDIA + "/" + webp.getString("mediaId") + "/thumbnail")
                            .map(none -> List.of(wide, wideThumb, smallThumb, none))))))))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          JsonObject wide = (JsonObject) all.get(0);
          assertThat(wide.getJsonObject("thumbnail")).isEqualTo(new JsonObject().put("width", 320).put("height", 160));
          HttpResponse<?> wideThumb = (HttpResponse<?>) all.get(1);
          assertThat(wideThumb.statusCode()).isEqualTo(200);
          assertThat(wideThumb.getHeader("Content-Type")).isEqualTo("image/jpeg");
          BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(((Buffer) wideThumb.body()).getBytes()));
          assertThat(decoded.getWidth()).isEqualTo(320);
          assertThat(decoded.getHeight()).isEqualTo(160);
          BufferedImage small = ImageIO.read(new ByteArrayInputStream(
              ((Buffer) ((HttpResponse<?>) all.get(2)).body()).getBytes()));
          assertThat(small.getWidth()).isEqualTo(100);
          assertThat(small.getHeight()).isEqualTo(60);
          assertError((HttpResponse<Buffer>) all.get(3), 404, "not_found");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("A declared type that contradicts the bytes, and a picture that cannot be decoded, are refused with 415; an undeclared or generic type is read from the bytes")
  void sniffing(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    Buffer png = picture("png", 40, 40);
    world(vertx, dir).compose(w -> inOrder(List.<java.util.function.Supplier<Future<HttpResponse<Buffer>>>>of(
            () -> upload(w.client(), w.alice(), png, "image/jpeg", null),
            () -> upload(w.client(), w.alice(), png, "application/pdf", null),
            () -> upload(w.client(), w.alice(), bytes(500), "video/mp4", null),
            () -> upload(w.client(), w.alice(), bytes(500, 0x89, "PNG", 0x0D, 0x0A, 0x1A, 0x0A), "image/png", null),
            () -> upload(w.client(), w.alice(), png, "application/octet-stream", null),
            () -> upload(w.client(), w.alice(), png, "IMAGE/PNG; charset=binary", null),
            () -> upload(w.client(), w.alice(), Buffer.buffer("plain words"), "text/html", null),
            () -> upload(w.client(), w.alice(), Buffer.buffer(), null, null),
            () -> upload(w.client(), w.alice(), png, null, "../etc/passwd"))))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          for (int i = 0; i < 4; i++) {
            assertError(r.get(i), 415, "unsupported_media");
          }
          assertThat(r.get(4).bodyAsJsonObject().getString("contentType")).isEqualTo("image/png");
          assertThat(r.get(5).bodyAsJsonObject().getString("contentType")).isEqualTo("image/png");
          assertThat(r.get(6).statusCode()).isEqualTo(201);
          assertThat(r.get(6).bodyAsJsonObject().getString("contentType")).isEqualTo("application/octet-stream");
          assertError(r.get(7), 400, "bad_request");
          assertError(r.get(8), 400, "bad_request");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("A body over the limit is refused with 413, by its Content-Length before it is read or as soon as a chunked body crosses the limit, and nothing of it is kept; identical uploads share one blob")
  void overTheLimit(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    int limit = 256 * 1024;
    Path mediaDir = dir.resolve("media");
    TestNode.start(vertx, dir.resolve("data"), config -> config.getJsonObject("media")
            .put("maxBytes", limit).put("dir", mediaDir.toString()))
        .map(node -> new ChatClient(vertx, node.port())).compose(MediaTest::users)
        .compose(w -> upload(w.client(), w.alice(), bytes(limit + 1), null, null)
            .compose(declared -> {
              Path body = dir.resolve("chunked.bin");
              try {
                Files.write(body, bytes(limit * 4).getBytes());
              } catch (IOException e) {
                return Future.failedFuture(e);
              }
              return vertx.fileSystem().open(body.toString(), new OpenOptions().setRead(true))
                  .compose(file -> w.client().raw(HttpMethod.POST, MEDIA).bearerTokenAuthentication(w.alice().accessToken())
                      .sendStream(file))
                  .compose(chunked -> uploaded(w.client(), w.alice(), bytes(limit), null)
                      .compose(atLimit -> uploaded(w.client(), w.bob(), bytes(limit), null)
                          .map(again -> List.of(declared, chunked, atLimit, again))));
            }))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertError((HttpResponse<Buffer>) r.get(0), 413, "too_large");
          assertError((HttpResponse<Buffer>) r.get(1), 413, "too_large");
          assertThat(((JsonObject) r.get(2)).getLong("size")).isEqualTo(limit);
          JsonObject again = (JsonObject) r.get(3);
          assertThat(again.getString("sha256")).isEqualTo(((JsonObject) r.get(2)).getString("sha256"));
          assertThat(again.getString("mediaId")).isNotEqualTo(((JsonObject) r.get(2)).getString("mediaId"));
          try (Stream<Path> staged = Files.list(mediaDir.resolve("incoming"));
               Stream<Path> blobs = Files.walk(mediaDir.resolve("blobs"))) {
            assertThat(staged).isEmpty();
            assertThat(blobs.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
                .containsExactly(((JsonObject) r.get(2)).getString("sha256"));
          }
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("Uploads past the daily quota are refused with 429")
  void dailyQuota(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    TestNode.start(vertx, dir, config -> config.getJsonObject("media").put("dailyQuotaBytes", 1_000))
        .map(node -> new ChatClient(vertx, node.port())).compose(MediaTest::users)
        .compose(w -> inOrder(List.<java.util.function.Supplier<Future<HttpResponse<Buffer>>>>of(
            () -> upload(w.client(), w.alice(), bytes(600), null, null),
            () -> upload(w.client(), w.alice(), bytes(600), null, null),
            () -> upload(w.client(), w.alice(), bytes(400), null, null),
            () -> upload(w.client(), w.alice(), bytes(1), null, null),
            () -> upload(w.client(), w.bob(), bytes(600), null, null))))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.get(0).statusCode()).isEqualTo(201);
          assertError(r.get(1), 429, "rate_limited");
          assertThat(r.get(2).statusCode()).isEqualTo(201);
          assertError(r.get(3), 429, "rate_limited");
          assertThat(r.get(4).statusCode()).as("another user's quota").isEqualTo(201);
          ctx.completeNow();
        })));
  }

  @Test
  @Timeout(value = 3, timeUnit = TimeUnit.MINUTES)
  @DisplayName("A 20 MB upload streams through a node whose heap is 32 MB, and downloads back with the same checksum")
  void twentyMegabytesInASmallHeap(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) throws Exception {
    Assumptions.assumeFalse(TestNode.clusterTarget(), "starts a node of its own");
    Path upload = dir.resolve("big.bin");
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    byte[] chunk = new byte[1 << 20];
    Random random = new Random(20);
    try (OutputStream out = Files.newOutputStream(upload)) {
      for (int i = 0; i < LIMIT / chunk.length; i++) {
        random.nextBytes(chunk);
        digest.update(chunk);
        out.write(chunk);
      }
    }
    String expected = HexFormat.of().formatHex(digest.digest());
    ChildNode node = ChildNode.start(TestNode.config(dir.resolve("data")), dir, "32m");
    ChatClient client = new ChatClient(vertx, node.port);
    client.newUser("phone").compose(alice -> vertx.fileSystem().open(upload.toString(), new OpenOptions().setRead(true))
            .compose(file -> client.raw(HttpMethod.POST, MEDIA).bearerTokenAuthentication(alice.accessToken())
                .putHeader("Content-Length", Integer.toString(LIMIT)).sendStream(file))
            .compose(up -> up.statusCode() != 201 ? Future.failedFuture(up.statusCode() + " " + up.bodyAsString())
                : download(client, alice, MEDIA + "/" + up.bodyAsJsonObject().getString("mediaId"))
                    .map(down -> List.of(up.bodyAsJsonObject(), down))))
        .eventually(() -> vertx.executeBlocking(() -> {
          node.close();
          return null;
        }))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(((JsonObject) r.get(0)).getString("sha256")).isEqualTo(expected);
          HttpResponse<?> down = (HttpResponse<?>) r.get(1);
          assertThat(down.statusCode()).isEqualTo(200);
          try (DigestInputStream in = new DigestInputStream(new ByteArrayInputStream(((Buffer) down.body()).getBytes()),
              MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            assertThat(HexFormat.of().formatHex(in.getMessageDigest().digest())).isEqualTo(expected);
          }
          assertThat(node.output()).noneMatch(line -> line.contains("OutOfMemoryError"));
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("Range requests answer 206 with the first, middle and last bytes, 416 for a range past the end or malformed; ETag answers 304")
  void ranges(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    Buffer video = bytes(10_000, 0, 0, 0, 0x18, "ftypisom", 0, 0, 2, 0, "isomiso2");
    int size = video.length();
    world(vertx, dir).compose(w -> uploaded(w.client(), w.alice(), video, "video/mp4").compose(media -> {
      String path = MEDIA + "/" + media.getString("mediaId");
      String etag = "\"" + media.getString("sha256") + "\"";
      return inOrder(List.<java.util.function.Supplier<Future<HttpResponse<Buffer>>>>of(
          () -> download(w.client(), w.alice(), path, "Range", "bytes=0-9"),
          () -> download(w.client(), w.alice(), path, "Range", "bytes=5000-5099"),
          () -> download(w.client(), w.alice(), path, "Range", "bytes=-100"),
          () -> download(w.client(), w.alice(), path, "Range", "bytes=" + (size - 10) + "-"),
          () -> download(w.client(), w.alice(), path, "Range", "bytes=" + size + "-"),
          () -> download(w.client(), w.alice(), path, "Range", "bytes=9-2"),
          () -> download(w.client(), w.alice(), path, "If-None-Match", etag),
          () -> download(w.client(), w.alice(), path, "Range", "bytes=0-9", "If-Range", "\"other\""),
          () -> download(w.client(), w.alice(), path, "Range", "bytes=0-9", "Accept-Encoding", "gzip")));
    })).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertPart(r.get(0), video, 0, 10, size);
      assertPart(r.get(1), video, 5000, 100, size);
      assertPart(r.get(2), video, size - 100, 100, size);
      assertPart(r.get(3), video, size - 10, 10, size);
      assertError(r.get(4), 416, "range_not_satisfiable");
      assertThat(r.get(4).getHeader("Content-Range")).isEqualTo("bytes */" + size);
      assertError(r.get(5), 416, "range_not_satisfiable");
      assertThat(r.get(6).statusCode()).isEqualTo(304);
      assertThat(r.get(6).body()).isNull();
      assertThat(r.get(7).statusCode()).as("If-Range of another version: the whole").isEqualTo(200);
      assertThat(r.get(7).body()).isEqualTo(video);
      assertPart(r.get(8), video, 0, 10, size);
      assertThat(r.get(8).getHeader("Content-Encoding")).isIn(null, "identity");
      ctx.completeNow();
    })));
  }

  private static void assertPart(HttpResponse<Buffer> r, Buffer whole, int offset, int length, int size) {
    assertThat(r.statusCode()).as("%s", r.bodyAsString()).isEqualTo(206);
    assertThat(r.getHeader("Content-Range")).isEqualTo("bytes " + offset + "-" + (offset + length - 1) + "/" + size);
    assertThat(r.getHeader("Content-Length")).isEqualTo(Integer.toString(length));
    assertThat(r.body()).isEqualTo(whole.slice(offset, offset + length));
  }

  @Test
  @DisplayName("Access: the uploader, the peer once a message referenced the media, and current group members read it; a stranger, the peer before, and a removed member get 404")
  void accessMatrix(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    Buffer png = picture("png", 64, 64);
    world(vertx, dir).compose(w -> w.client().newUser("phone").compose(dave -> uploaded(w.client(), w.alice(), png,
            "image/png").compose(media -> {
      String path = MEDIA + "/" + media.getString("mediaId");
      String mediaId = media.getString("mediaId");
      ChatClient c = w.client();
      List<Object> seen = new ArrayList<>();
      return download(c, w.bob(), path).compose(bobBefore -> {
        seen.add(bobBefore);
        return c.connect(w.alice());
      }).compose(alice -> alice.answer(mediaSend("m1", w.bob().userId(), "image", mediaId, null))
          .compose(ack -> Future.all(List.of(download(c, w.alice(), path), download(c, w.bob(), path),
              download(c, w.bob(), path + "/thumbnail"), download(c, w.carol(), path),
              download(c, w.carol(), MEDIA + "/AAAAAAAAAAAAAAAAAAAAAA"), download(c, w.carol(), MEDIA + "/nope"))))
          .compose(all -> {
            seen.addAll(all.list());
            return expect(201, c.request(HttpMethod.POST, "/api/v1/groups", w.alice().accessToken(),
                new JsonObject().put("title", "pics").put("members", new JsonArray().add(dave.userId()))));
          })
          .compose(group -> c.connect(dave).compose(daveSocket -> alice.answer(new JsonObject().put("type", "send")
                  .put("id", "g1").put("conversation", group.getString("conversationId")).put("kind", "image")
                  .put("media", new JsonObject().put("mediaId", mediaId)))
              .compose(ack -> download(c, dave, path))
              .compose(daveMember -> {
                seen.add(daveMember);
                return expect(200, c.request(HttpMethod.DELETE, "/api/v1/groups/" + group.getString("groupId")
                    + "/members/" + dave.userId(), w.alice().accessToken(), null));
              })
              .compose(removed -> daveSocket.nextEvent("member.removed"))
              .compose(event -> download(c, dave, path))
              .map(daveRemoved -> {
                seen.add(daveRemoved);
                return seen;
              }))));
    }))).onComplete(ctx.succeeding(seen -> ctx.verify(() -> {
      assertError((HttpResponse<Buffer>) seen.get(0), 404, "not_found");
      assertThat(((HttpResponse<?>) seen.get(1)).statusCode()).as("uploader").isEqualTo(200);
      assertThat(((HttpResponse<?>) seen.get(2)).statusCode()).as("peer").isEqualTo(200);
      assertThat(((HttpResponse<?>) seen.get(3)).statusCode()).as("peer, thumbnail").isEqualTo(200);
      assertError((HttpResponse<Buffer>) seen.get(4), 404, "not_found");
      assertError((HttpResponse<Buffer>) seen.get(5), 404, "not_found");
      assertError((HttpResponse<Buffer>) seen.get(6), 404, "not_found");
      assertThat(((HttpResponse<?>) seen.get(7)).statusCode()).as("group member").isEqualTo(200);
      assertError((HttpResponse<Buffer>) seen.get(8), 404, "not_found");
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("Sending media checks it: another user's upload is forbidden, an unknown id not found, a kind that does not fit and media on a text bad requests")
  void sendChecks(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    world(vertx, dir).compose(w -> uploaded(w.client(), w.bob(), picture("png", 10, 10), null)
        .compose(bobs -> uploaded(w.client(), w.alice(), bytes(100, "OggS"), null).compose(ogg -> w.client()
            .connect(w.alice()).compose(alice -> inOrder(List.<java.util.function.Supplier<Future<JsonObject>>>of(
                () -> alice.answer(mediaSend("s1", w.carol().userId(), "image", bobs.getString("mediaId"), null)),
                () -> alice.answer(mediaSend("s2", w.carol().userId(), "image", "AAAAAAAAAAAAAAAAAAAAAA", null)),
                () -> alice.answer(mediaSend("s3", w.carol().userId(), "video", ogg.getString("mediaId"), null)),
                () -> alice.answer(mediaSend("s4", w.carol().userId(), "text", ogg.getString("mediaId"), "hi")),
                () -> alice.answer(new JsonObject().put("type", "send").put("id", "s5").put("to", w.carol().userId())
                    .put("kind", "audio")),
                () -> alice.answer(mediaSend("s6", w.carol().userId(), "audio", ogg.getString("mediaId"), "")),
                () -> alice.answer(mediaSend("s7", w.carol().userId(), "file", ogg.getString("mediaId"), null))))))))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.stream().map(f -> f.getString("type").equals("ack") ? "ack" : f.getString("code")).toList())
              .containsExactly("forbidden", "not_found", "bad_request", "bad_request", "bad_request", "bad_request",
                  "ack");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("A media message arrives live and through sync with its reference and caption, is in history and the conversation list, and the recipient downloads it")
  void mediaMessageDelivered(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    world(vertx, dir).compose(w -> uploaded(w.client(), w.alice(), picture("jpeg", 640, 480), "image/jpeg")
        .compose(media -> w.client().connect(w.bob()).compose(bob -> w.client().connect(w.alice())
            .compose(alice -> alice.answer(mediaSend("p1", w.bob().userId(), "image", media.getString("mediaId"),
                "sunset ✓")))
            .compose(ack -> bob.nextOfKind("image").compose(live -> w.client()
                .awaitStored(w.bob(), ack.getString("conversation"), ack.getString("msgId"))
                .compose(v -> w.client().awaitInbox(w.bob(), 1))
                .compose(v -> w.client().connect(w.bob()))
                .compose(later -> {
                  later.send(new JsonObject().put("type", "sync").put("since", 0));
                  return later.nextOfKind("image");
                })
                .compose(synced -> expect(200, w.client().request(HttpMethod.GET, "/api/v1/conversations/"
                    + ack.getString("conversation") + "/messages", w.bob().accessToken(), null))
                    .compose(history -> expect(200, w.client().request(HttpMethod.GET, "/api/v1/conversations",
                        w.bob().accessToken(), null))
                        .compose(list -> download(w.client(), w.bob(),
                            MEDIA + "/" + live.getJsonObject("media").getString("mediaId"))
                            .map(bytes -> List.of(media, live, synced, history, list, bytes))))))))))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          JsonObject media = (JsonObject) r.get(0);
          JsonObject live = (JsonObject) r.get(1);
          JsonObject synced = (JsonObject) r.get(2);
          assertThat(live.getJsonObject("media")).isEqualTo(media);
          assertThat(live.getString("body")).isEqualTo("sunset ✓");
          assertThat(live.getString("kind")).isEqualTo("image");
          assertThat(synced.getJsonObject("media")).isEqualTo(media);
          assertThat(synced.getString("body")).isEqualTo("sunset ✓");
          assertThat(synced.getString("msgId")).isEqualTo(live.getString("msgId"));
          JsonObject inHistory = ((JsonObject) r.get(3)).getJsonArray("messages").getJsonObject(0);
          assertThat(inHistory.getJsonObject("media")).isEqualTo(media);
          JsonObject last = ((JsonObject) r.get(4)).getJsonArray("conversations").getJsonObject(0)
              .getJsonObject("lastMessage");
          assertThat(last.getJsonObject("media")).isEqualTo(media);
          HttpResponse<?> bytes = (HttpResponse<?>) r.get(5);
          assertThat(bytes.statusCode()).isEqualTo(200);
          assertThat(sha256((Buffer) bytes.body())).isEqualTo(media.getString("sha256"));
          ctx.completeNow();
        })));
  }
}
