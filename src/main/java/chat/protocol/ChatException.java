package chat.protocol;

/** A failure meant for the client: it carries the wire error code and a message safe to show. */
public final class ChatException extends RuntimeException {
  public final ErrorCode code;

  public ChatException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }
}
