package chat.store;

/** A write hit a unique key that already exists (for instance a taken username). */
public final class DuplicateKeyException extends RuntimeException {
  public DuplicateKeyException(String message) {
    super(message, null, false, false);
  }
}
