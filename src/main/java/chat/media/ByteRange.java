package chat.media;

import chat.protocol.ChatException;
import chat.protocol.ErrorCode;

/** One satisfiable byte range of a {@code Range: bytes=...} request header (RFC 9110 §14). */
public record ByteRange(long offset, long length) {
  private static final String UNIT = "bytes=";

  /** The {@code Content-Range} value of this range of a representation of {@code size} bytes. */
  public String contentRange(long size) {
    return "bytes " + offset + "-" + (offset + length - 1) + "/" + size;
  }

  /**
   * The range {@code header} asks of {@code size} bytes; null to serve them all (no header, another
   * unit, or several ranges, which this server answers with the whole representation as RFC 9110
   * allows). A malformed range, or one that starts past the end, is {@code range_not_satisfiable}.
   */
  public static ByteRange parse(String header, long size) {
    if (header == null || !header.regionMatches(true, 0, UNIT, 0, UNIT.length())) {
      return null;
    }
    String spec = header.substring(UNIT.length()).trim();
    if (spec.contains(",")) {
      return null;
    }
    int dash = spec.indexOf('-');
    if (dash < 0) {
      throw unsatisfiable("malformed range");
    }
    String first = spec.substring(0, dash).trim();
    String last = spec.substring(dash + 1).trim();
    if (first.isEmpty()) {
      long suffix = number(last);
      if (suffix == 0 || size == 0) {
        throw unsatisfiable("empty range");
      }
      long length = Math.min(suffix, size);
      return new ByteRange(size - length, length);
    }
    long start = number(first);
    long end = last.isEmpty() ? size - 1 : number(last);
    if (end < start) {
      throw unsatisfiable("malformed range");
    }
    if (start >= size) {
      throw unsatisfiable("the range starts past the end (" + size + " bytes)");
    }
    return new ByteRange(start, Math.min(end, size - 1) - start + 1);
  }

  private static long number(String digits) {
    if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw unsatisfiable("malformed range");
    }
    return Long.parseLong(digits);
  }

  private static ChatException unsatisfiable(String why) {
    return new ChatException(ErrorCode.RANGE_NOT_SATISFIABLE, why);
  }
}
