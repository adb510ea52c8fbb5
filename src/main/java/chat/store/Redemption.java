package chat.store;

/** The outcome of presenting a refresh token once. */
public sealed interface Redemption {
  /** The token was live: it is now spent, and the caller may issue its successor. */
  record Redeemed(RefreshToken token) implements Redemption {
  }

  /** The token had already been spent (or its family revoked): the whole family is now revoked. */
  record Reused(String familyId) implements Redemption {
  }

  /** Unknown or expired. */
  record Invalid() implements Redemption {
  }
}
