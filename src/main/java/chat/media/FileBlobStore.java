package chat.media;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.CopyOptions;
import io.vertx.core.file.FileSystem;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Blobs as files under one directory: {@code blobs/<2 hex>/<2 hex>/<sha256>}, staged in
 * {@code incoming/<random>.part} on the same file system, fsynced, then renamed into place
 * atomically, so a blob file is either absent or whole, also after a crash. In a cluster every node
 * mounts the same directory (a rename on a shared file system is atomic too). Everything goes
 * through Vert.x's asynchronous file system; nothing blocks an event loop.
 */
public final class FileBlobStore implements BlobStore {
  /** How many leading bytes {@link Staged#head} keeps (type sniffing needs far fewer). */
  static final int HEAD_BYTES = 4096;
  private static final int READ_BUFFER_BYTES = 64 * 1024;

  private final FileSystem fs;
  private final Path incoming;
  private final Path blobs;

  public FileBlobStore(Vertx vertx, Path root) {
    this.fs = vertx.fileSystem();
    this.incoming = root.resolve("incoming");
    this.blobs = root.resolve("blobs");
  }

  @Override
  public Future<Staged> stage(ReadStream<Buffer> body, long maxBytes) {
    Path file = incoming.resolve(UUID.randomUUID() + ".part");
    return fs.mkdirs(incoming.toString())
        .compose(v -> fs.open(file.toString(), new OpenOptions().setWrite(true).setCreateNew(true)))
        .compose(out -> new Upload(body, out, file, maxBytes).start());
  }

  @Override
  public Future<Staged> stage(Buffer bytes) {
    Path file = incoming.resolve(UUID.randomUUID() + ".part");
    MessageDigest sha = sha256();
    sha.update(bytes.getBytes());
    Buffer head = bytes.slice(0, Math.min(bytes.length(), HEAD_BYTES));
    return fs.mkdirs(incoming.toString())
        .compose(v -> fs.writeFile(file.toString(), bytes))
        .map(v -> new Staged(file, HexFormat.of().formatHex(sha.digest()), bytes.length(), head));
  }

  @Override
  public Future<Void> commit(Staged staged) {
    Path target = blobPath(staged.sha256());
    // Same key, same bytes: replacing an existing blob with its twin is harmless, so no existence check.
    return fs.mkdirs(target.getParent().toString())
        .compose(v -> fs.move(staged.file().toString(), target.toString(),
            new CopyOptions().setAtomicMove(true).setReplaceExisting(true)));
  }

  @Override
  public Future<Void> discard(Staged staged) {
    return fs.delete(staged.file().toString());
  }

  @Override
  public Future<Void> streamTo(String sha256, long offset, long length, WriteStream<Buffer> to) {
    if (length == 0) {
      return to.end();
    }
    return fs.open(blobPath(sha256).toString(), new OpenOptions().setRead(true).setWrite(false).setCreate(false))
        .compose(in -> {
          in.setReadBufferSize(READ_BUFFER_BYTES).setReadPos(offset).setReadLength(length);
          return in.pipeTo(to).eventually(in::close);
        });
  }

  private Path blobPath(String sha256) {
    return blobs.resolve(sha256.substring(0, 2)).resolve(sha256.substring(2, 4)).resolve(sha256);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /**
   * One body streamed into one staging file: a hand-written pipe, because it must count, hash and
   * stop mid-stream. The body is paused whenever the file's write queue is full.
   */
  private final class Upload {
    private final ReadStream<Buffer> body;
    private final AsyncFile out;
    private final Path file;
    private final long maxBytes;
    private final Promise<Staged> result = Promise.promise();
    private final MessageDigest sha = sha256();
    private final Buffer head = Buffer.buffer(HEAD_BYTES);
    private long size;
    private boolean done;
    /** Writes complete in order: once the last one has, everything is in the file. */
    private Future<Void> lastWrite = Future.succeededFuture();

    Upload(ReadStream<Buffer> body, AsyncFile out, Path file, long maxBytes) {
      this.body = body;
      this.out = out;
      this.file = file;
      this.maxBytes = maxBytes;
    }

    Future<Staged> start() {
      body.handler(this::chunk);
      body.exceptionHandler(this::abort);
      body.endHandler(v -> finish());
      out.drainHandler(v -> {
        if (!done) {
          body.resume();
        }
      });
      body.resume();
      return result.future();
    }

    private void chunk(Buffer data) {
      if (done) {
        return;
      }
      size += data.length();
      if (size > maxBytes) {
        abort(new TooLarge());
        return;
      }
      if (head.length() < HEAD_BYTES) {
        head.appendBuffer(data, 0, Math.min(data.length(), HEAD_BYTES - head.length()));
      }
      sha.update(data.getBytes());
      lastWrite = out.write(data).onFailure(this::abort);
      if (out.writeQueueFull()) {
        body.pause();
      }
    }

    private void finish() {
      if (done) {
        return;
      }
      done = true;
      lastWrite.compose(v -> out.flush()).compose(v -> out.close())
          .onSuccess(v -> result.complete(new Staged(file, HexFormat.of().formatHex(sha.digest()), size, head)))
          .onFailure(e -> fs.delete(file.toString()).onComplete(deleted -> result.fail(e)));
    }

    private void abort(Throwable cause) {
      if (done) {
        return;
      }
      done = true;
      out.close().eventually(() -> fs.delete(file.toString())).onComplete(cleaned -> result.fail(cause));
    }
  }
}
