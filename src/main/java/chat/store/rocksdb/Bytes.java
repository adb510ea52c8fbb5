package chat.store.rocksdb;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Keys and values of the RocksDB tables as bytes. A key is a table's tag byte, then its parts in
 * order: a string as a 2-byte length and its UTF-8 bytes, a long as 8 big-endian bytes. Every
 * string is length-prefixed, so no id can run into the next part whatever bytes it holds, and
 * the keys of one id (a conversation, a user) are one contiguous range ordered by the long that
 * follows it: a page of history or of an inbox is one seek and a scan. Longs stored here (msgIds,
 * seqs, event ids) are never negative, so big-endian order is numeric order.
 */
final class Bytes {
  private static final int MAX_KEY_STRING = 0xFFFF;
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private byte[] buf;
  private int len;

  private Bytes(int capacity) {
    buf = new byte[capacity];
  }

  /** A key of the table {@code tag}. */
  static Bytes key(char tag) {
    Bytes key = new Bytes(48);
    key.ensure(1);
    key.buf[key.len++] = (byte) tag;
    return key;
  }

  /** A value. */
  static Bytes value() {
    return new Bytes(64);
  }

  /** A key part: length-prefixed UTF-8. */
  Bytes id(String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    if (utf8.length > MAX_KEY_STRING) {
      throw new IllegalArgumentException("an id longer than " + MAX_KEY_STRING + " bytes");
    }
    ensure(2 + utf8.length);
    buf[len++] = (byte) (utf8.length >>> 8);
    buf[len++] = (byte) utf8.length;
    System.arraycopy(utf8, 0, buf, len, utf8.length);
    len += utf8.length;
    return this;
  }

  Bytes i64(long v) {
    ensure(8);
    for (int shift = 56; shift >= 0; shift -= 8) {
      buf[len++] = (byte) (v >>> shift);
    }
    return this;
  }

  Bytes i32(int v) {
    ensure(4);
    putInt(v);
    return this;
  }

  Bytes i8(int v) {
    ensure(1);
    buf[len++] = (byte) v;
    return this;
  }

  /** A value part: a nullable string of any length, as a 4-byte length (-1 for null) and UTF-8. */
  Bytes text(String s) {
    if (s == null) {
      ensure(4);
      putInt(-1);
      return this;
    }
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    ensure(4 + utf8.length);
    putInt(utf8.length);
    System.arraycopy(utf8, 0, buf, len, utf8.length);
    len += utf8.length;
    return this;
  }

  /** Bytes that sort after every key that starts with {@code prefix}. */
  static byte[] ceiling(byte[] prefix) {
    byte[] ceiling = Arrays.copyOf(prefix, prefix.length + 16);
    Arrays.fill(ceiling, prefix.length, ceiling.length, (byte) 0xFF);
    return ceiling;
  }

  byte[] bytes() {
    return Arrays.copyOf(buf, len);
  }

  private void putInt(int v) {
    buf[len++] = (byte) (v >>> 24);
    buf[len++] = (byte) (v >>> 16);
    buf[len++] = (byte) (v >>> 8);
    buf[len++] = (byte) v;
  }

  private void ensure(int more) {
    if (len + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
  }

  /**
   * A hash of all of {@code bytes}, eight at a time: the writer hashes every key it puts or looks
   * up, and {@link Arrays#hashCode(byte[])}, a byte at a time, was 8 % of its CPU.
   */
  static int hash(byte[] bytes) {
    long h = bytes.length;
    int i = 0;
    for (; i + Long.BYTES <= bytes.length; i += Long.BYTES) {
      h = h * GOLDEN + (long) LONGS.get(bytes, i);
    }
    for (; i < bytes.length; i++) {
      h = h * 31 + bytes[i];
    }
    return (int) (h ^ h >>> 32);
  }

  static boolean startsWith(byte[] bytes, byte[] prefix) {
    return bytes.length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
  }

  /** Reads what {@link Bytes} wrote, in the same order. */
  static final class Reader {
    private final byte[] buf;
    private int pos;

    Reader(byte[] buf, int offset) {
      this.buf = buf;
      this.pos = offset;
    }

    String id() {
      int n = (buf[pos] & 0xFF) << 8 | buf[pos + 1] & 0xFF;
      String s = new String(buf, pos + 2, n, StandardCharsets.UTF_8);
      pos += 2 + n;
      return s;
    }

    long i64() {
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = v << 8 | buf[pos++] & 0xFF;
      }
      return v;
    }

    int i8() {
      return buf[pos++];
    }

    String text() {
      int n = i32();
      if (n < 0) {
        return null;
      }
      String s = new String(buf, pos, n, StandardCharsets.UTF_8);
      pos += n;
      return s;
    }

    boolean atEnd() {
      return pos == buf.length;
    }

    int i32() {
      int v = 0;
      for (int i = 0; i < 4; i++) {
        v = v << 8 | buf[pos++] & 0xFF;
      }
      return v;
    }
  }
}
