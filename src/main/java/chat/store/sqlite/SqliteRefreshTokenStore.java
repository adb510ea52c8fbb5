package chat.store.sqlite;

import chat.store.Redemption;
import chat.store.RefreshToken;
import chat.store.RefreshTokenStore;
import io.vertx.core.Future;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;

/**
 * Refresh tokens in SQLite, stored only as SHA-256 hashes.
 *
 * <p>Table {@code refresh_tokens}: key {@code token_hash}; columns user_id, device_id, family_id,
 * expires_at (ms), spent (0/1). Table {@code revoked_families}: key {@code family_id}. Index
 * {@code refresh_tokens_family} on family_id.
 */
final class SqliteRefreshTokenStore implements RefreshTokenStore {
  static final List<String> SCHEMA = List.of("""
      CREATE TABLE IF NOT EXISTS refresh_tokens (
        token_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        family_id TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        spent INTEGER NOT NULL DEFAULT 0
      ) WITHOUT ROWID""",
      "CREATE INDEX IF NOT EXISTS refresh_tokens_family ON refresh_tokens (family_id)",
      "CREATE TABLE IF NOT EXISTS revoked_families (family_id TEXT PRIMARY KEY) WITHOUT ROWID");

  private final SqliteEngine engine;

  SqliteRefreshTokenStore(SqliteEngine engine) {
    this.engine = engine;
  }

  @Override
  public Future<Void> save(RefreshToken token) {
    return engine.write(db -> {
      PreparedStatement ps = db.prepare("INSERT INTO refresh_tokens "
          + "(token_hash, user_id, device_id, family_id, expires_at) VALUES (?, ?, ?, ?, ?)");
      ps.setString(1, token.tokenHash());
      ps.setString(2, token.userId());
      ps.setString(3, token.deviceId());
      ps.setString(4, token.familyId());
      ps.setLong(5, token.expiresAt());
      ps.executeUpdate();
      return null;
    });
  }

  @Override
  public Future<Redemption> redeem(String tokenHash, long nowMs) {
    // A write, not a read: checking and spending must be one atomic step on the single writer.
    return engine.write(db -> {
      PreparedStatement find = db.prepare("SELECT t.user_id, t.device_id, t.family_id, t.expires_at, t.spent, "
          + "r.family_id IS NOT NULL FROM refresh_tokens t LEFT JOIN revoked_families r ON r.family_id = t.family_id "
          + "WHERE t.token_hash = ?");
      find.setString(1, tokenHash);
      RefreshToken token;
      boolean spentOrRevoked;
      try (ResultSet rs = find.executeQuery()) {
        if (!rs.next()) {
          return new Redemption.Invalid();
        }
        token = new RefreshToken(tokenHash, rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4));
        spentOrRevoked = rs.getInt(5) != 0 || rs.getInt(6) != 0;
      }
      if (spentOrRevoked) {
        revokeFamily(db, token.familyId());
        return new Redemption.Reused(token.familyId());
      }
      if (token.expiresAt() <= nowMs) {
        return new Redemption.Invalid();
      }
      PreparedStatement spend = db.prepare("UPDATE refresh_tokens SET spent = 1 WHERE token_hash = ?");
      spend.setString(1, tokenHash);
      spend.executeUpdate();
      return new Redemption.Redeemed(token);
    });
  }

  @Override
  public Future<Void> revokeFamilyOf(String tokenHash) {
    return engine.write(db -> {
      PreparedStatement find = db.prepare("SELECT family_id FROM refresh_tokens WHERE token_hash = ?");
      find.setString(1, tokenHash);
      try (ResultSet rs = find.executeQuery()) {
        if (rs.next()) {
          revokeFamily(db, rs.getString(1));
        }
      }
      return null;
    });
  }

  private static void revokeFamily(SqliteEngine.Db db, String familyId) throws java.sql.SQLException {
    PreparedStatement ps = db.prepare("INSERT INTO revoked_families (family_id) VALUES (?) ON CONFLICT DO NOTHING");
    ps.setString(1, familyId);
    ps.executeUpdate();
  }
}
