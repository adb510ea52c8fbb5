package chat.store;

import io.vertx.core.Future;

/** Refresh tokens with single use (rotation) and family revocation. */
public interface RefreshTokenStore {
  Future<Void> save(RefreshToken token);

  /**
   * Spends a token atomically: live → {@link Redemption.Redeemed}; spent or revoked → the family is
   * revoked and {@link Redemption.Reused}; unknown or expired at {@code nowMs} → {@link Redemption.Invalid}.
   */
  Future<Redemption> redeem(String tokenHash, long nowMs);

  /** Revokes the family of the given token (logout); unknown tokens are ignored. */
  Future<Void> revokeFamilyOf(String tokenHash);
}
