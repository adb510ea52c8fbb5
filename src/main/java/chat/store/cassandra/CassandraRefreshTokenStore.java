package chat.store.cassandra;

import static chat.store.cassandra.Cql.bind;

import chat.store.DuplicateKeyException;
import chat.store.Redemption;
import chat.store.RefreshToken;
import chat.store.RefreshTokenStore;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.vertx.core.Future;
import java.util.List;

/**
 * Refresh tokens in Cassandra, stored only as SHA-256 hashes.
 *
 * <p>Table {@code refresh_tokens}: key {@code token_hash}; columns user_id, device_id, family_id,
 * expires_at (ms), spent (boolean). Table {@code revoked_families}: key {@code family_id}.
 *
 * <p>Single use is a lightweight transaction: {@code UPDATE ... SET spent = true IF spent = false}.
 * Of two concurrent redemptions on any nodes exactly one is applied; the other is treated as reuse.
 * Every write to {@code refresh_tokens} goes through Paxos (save is {@code INSERT ... IF NOT
 * EXISTS}), because mixing a plain write with a Paxos write on the same cell lets a skewed client
 * clock make the plain write win and silently un-spend a token.
 *
 * <p>redeem gives the SQLite adapter's outcomes in the same precedence: unknown → Invalid; spent
 * or family revoked → the family is revoked and Reused; expired (expires_at &lt;= now) → Invalid;
 * otherwise the spend is attempted and, if another redemption won the race, it is Reused as well.
 */
final class CassandraRefreshTokenStore implements RefreshTokenStore {
  static final List<String> SCHEMA = List.of("""
      CREATE TABLE IF NOT EXISTS $ks.refresh_tokens (
        token_hash text PRIMARY KEY,
        user_id text,
        device_id text,
        family_id text,
        expires_at bigint,
        spent boolean
      )""",
      "CREATE TABLE IF NOT EXISTS $ks.revoked_families (family_id text PRIMARY KEY)");

  private final Cql cql;
  private PreparedStatement insert;
  private PreparedStatement find;
  private PreparedStatement findRevoked;
  private PreparedStatement spend;
  private PreparedStatement revoke;

  CassandraRefreshTokenStore(Cql cql) {
    this.cql = cql;
  }

  Future<Void> prepare() {
    return Future.all(List.of(
        cql.prepare("INSERT INTO $ks.refresh_tokens (token_hash, user_id, device_id, family_id, expires_at, spent) "
            + "VALUES (?, ?, ?, ?, ?, false) IF NOT EXISTS").onSuccess(ps -> insert = ps),
        cql.prepare("SELECT user_id, device_id, family_id, expires_at, spent FROM $ks.refresh_tokens "
            + "WHERE token_hash = ?").onSuccess(ps -> find = ps),
        cql.prepare("SELECT family_id FROM $ks.revoked_families WHERE family_id = ?")
            .onSuccess(ps -> findRevoked = ps),
        cql.prepare("UPDATE $ks.refresh_tokens SET spent = true WHERE token_hash = ? IF spent = false")
            .onSuccess(ps -> spend = ps),
        cql.prepare("INSERT INTO $ks.revoked_families (family_id) VALUES (?)").onSuccess(ps -> revoke = ps)))
        .mapEmpty();
  }

  @Override
  public Future<Void> save(RefreshToken token) {
    return cql.execute(bind(insert, token.tokenHash(), token.userId(), token.deviceId(), token.familyId(),
        token.expiresAt())).compose(rs -> rs.wasApplied() ? Future.succeededFuture()
        : Future.failedFuture(new DuplicateKeyException("refresh token already exists")));
  }

  @Override
  public Future<Redemption> redeem(String tokenHash, long nowMs) {
    return cql.one(bind(find, tokenHash)).compose(row -> {
      if (row == null) {
        return Future.succeededFuture(new Redemption.Invalid());
      }
      RefreshToken token = new RefreshToken(tokenHash, row.getString(0), row.getString(1), row.getString(2),
          row.getLong(3));
      boolean spent = row.getBoolean(4);
      return cql.one(bind(findRevoked, token.familyId())).compose(revoked -> {
        if (spent || revoked != null) {
          return reused(token.familyId());
        }
        if (token.expiresAt() <= nowMs) {
          return Future.succeededFuture(new Redemption.Invalid());
        }
        return cql.execute(bind(spend, tokenHash)).compose(rs -> rs.wasApplied()
            ? Future.succeededFuture(new Redemption.Redeemed(token))
            : reused(token.familyId()));
      });
    });
  }

  private Future<Redemption> reused(String familyId) {
    return revokeFamily(familyId).map(v -> new Redemption.Reused(familyId));
  }

  @Override
  public Future<Void> revokeFamilyOf(String tokenHash) {
    return cql.one(bind(find, tokenHash)).compose(row -> row == null ? Future.succeededFuture()
        : revokeFamily(row.getString(2)));
  }

  private Future<Void> revokeFamily(String familyId) {
    return cql.execute(bind(revoke, familyId)).mapEmpty();
  }
}
