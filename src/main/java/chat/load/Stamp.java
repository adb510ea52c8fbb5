package chat.load;

/**
 * Carries a send's start time (System.nanoTime of this process) inside the frame itself: in the
 * client id, which the {@code ack} echoes, and at the head of the body, which the recipients' pushed
 * {@code message} frames carry. So no table of in-flight sends is needed, and a frame's latency is
 * known from the frame alone. Only meaningful within one process (one nanoTime origin).
 */
public final class Stamp {
  private static final char SEPARATOR = '.';

  private Stamp() {
  }

  /** A client id unique within a run: the sender's number, its message number and the start time. */
  public static String id(int sender, long message, long startNanos) {
    return sender + "-" + message + SEPARATOR + startNanos;
  }

  /** The start time in an id made by {@link #id}. */
  public static long startOfId(String id) {
    return Long.parseLong(id, id.lastIndexOf(SEPARATOR) + 1, id.length(), 10);
  }

  /** The part of an id before its start time: the sender and message number (unique per message). */
  public static String keyOfId(String id) {
    return id.substring(0, id.lastIndexOf(SEPARATOR));
  }

  /** A body of {@code size} characters (at least what the stamp itself needs) that starts with {@code id}. */
  public static String body(String id, int size) {
    StringBuilder body = new StringBuilder(Math.max(size, id.length() + 1)).append(id).append(' ');
    while (body.length() < size) {
      body.append('x');
    }
    return body.toString();
  }

  /** The id a body made by {@link #body} starts with. */
  public static String idOfBody(String body) {
    int end = body.indexOf(' ');
    return end < 0 ? body : body.substring(0, end);
  }
}
