package chat.store;

/**
 * An opaque refresh token as stored: only its SHA-256 ({@code tokenHash}) is kept. Tokens issued
 * by rotating one another share a {@code familyId}; presenting a spent token revokes the family.
 */
public record RefreshToken(String tokenHash, String userId, String deviceId, String familyId, long expiresAt) {
}
