package chat.protocol;

/** msgIds as clients send them: positive decimal strings (they exceed what JSON numbers hold exactly). */
public final class MsgIds {
  private MsgIds() {
  }

  /** The msgId in {@code value}; {@code bad_request} naming {@code field} when it is not one. */
  public static long parse(String value, String field) {
    try {
      long id = Long.parseLong(value);
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw new ChatException(ErrorCode.BAD_REQUEST, field + " must be a msgId");
  }
}
