package chat.protocol;

/** The error codes of wire contract v1, with the HTTP status each maps to on the REST side. */
public enum ErrorCode {
  BAD_REQUEST("bad_request", 400),
  UNAUTHORIZED("unauthorized", 401),
  FORBIDDEN("forbidden", 403),
  NOT_FOUND("not_found", 404),
  USERNAME_TAKEN("username_taken", 409),
  GROUP_FULL("group_full", 409),
  TOO_LARGE("too_large", 413),
  UNSUPPORTED_MEDIA("unsupported_media", 415),
  RANGE_NOT_SATISFIABLE("range_not_satisfiable", 416),
  RATE_LIMITED("rate_limited", 429),
  INTERNAL("internal", 500),
  UNAVAILABLE("unavailable", 503);

  public final String wire;
  public final int httpStatus;

  ErrorCode(String wire, int httpStatus) {
    this.wire = wire;
    this.httpStatus = httpStatus;
  }

  /** Event-bus failure codes carry the ordinal; anything unknown is {@link #INTERNAL}. */
  public static ErrorCode fromFailureCode(int code) {
    ErrorCode[] all = values();
    return code >= 0 && code < all.length ? all[code] : INTERNAL;
  }
}
