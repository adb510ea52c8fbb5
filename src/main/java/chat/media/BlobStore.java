package chat.media;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import java.nio.file.Path;

/**
 * Where media bytes live, content addressed: a blob's key is the SHA-256 of its bytes (lower-case
 * hex), so identical bytes are stored once. Writing is two steps: {@link #stage} streams the bytes
 * into a local staging file (hashing them on the way), which the caller may read (to sniff the type
 * or decode an image); {@link #commit} then makes the blob visible under its key, whole or not at
 * all, and {@link #discard} drops it. {@link FileBlobStore} keeps blobs in a directory; an
 * S3-compatible adapter would stage the same way and commit with a PUT of the staged file to
 * {@code <bucket>/<sha256>} (skipped when the key exists), then delete the staging file.
 */
public interface BlobStore {

  /** Bytes written to a local staging file, not yet visible under their key. */
  record Staged(Path file, String sha256, long size, Buffer head) {
  }

  /** Failure of {@link #stage}: the body went past {@code maxBytes}; nothing was kept. */
  final class TooLarge extends RuntimeException {
    TooLarge() {
      super("past the size limit", null, false, false);
    }
  }

  /**
   * Streams {@code body} (paused, or not yet flowing) into a staging file with back-pressure,
   * counting and hashing. Fails with {@link TooLarge} as soon as more than {@code maxBytes} arrive,
   * and with the stream's own failure; either way the staging file is deleted and {@code body} is
   * left to the caller (its handlers are replaced). {@link Staged#head} holds its first bytes (up to
   * {@value FileBlobStore#HEAD_BYTES}).
   */
  Future<Staged> stage(ReadStream<Buffer> body, long maxBytes);

  /** Stages bytes already in memory (a thumbnail). */
  Future<Staged> stage(Buffer bytes);

  /** Makes the staged bytes the blob of their key (a no-op for bytes already stored) and removes the staging file. */
  Future<Void> commit(Staged staged);

  /** Deletes the staging file. */
  Future<Void> discard(Staged staged);

  /** Writes {@code length} bytes of the blob from {@code offset} to {@code to} with back-pressure, then ends it. */
  Future<Void> streamTo(String sha256, long offset, long length, WriteStream<Buffer> to);
}
