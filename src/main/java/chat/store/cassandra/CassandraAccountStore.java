package chat.store.cassandra;

import static chat.store.cassandra.Cql.bind;

import chat.store.Account;
import chat.store.AccountStore;
import chat.store.DuplicateKeyException;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * Accounts in Cassandra.
 *
 * <p>Table {@code accounts_by_username}: key {@code username}; column user_id. Written only with
 * {@code INSERT ... IF NOT EXISTS} (a lightweight transaction, Paxos at LOCAL_SERIAL), so a username
 * is claimed once across every node; a claim that is not applied is a {@link DuplicateKeyException}.
 *
 * <p>Table {@code accounts}: key {@code user_id}; columns username, display_name, password_hash
 * (Argon2id PHC string), created_at (ms). Also written with {@code IF NOT EXISTS}, so a taken user id
 * is a duplicate too (as in SQLite); the username claim is then released again
 * ({@code DELETE ... IF user_id = ?}). Both tables are only ever written through Paxos, so their
 * cells carry Paxos timestamps and never race a plain write.
 *
 * <p>The two tables are written one after the other, not atomically: if the process dies between
 * the claim and the account row, the username stays claimed by a user id that has no account
 * ({@link #byUsername} then finds nothing, and registering that name again is refused). It needs an
 * operator to delete the {@code accounts_by_username} row; registration is rare, so it is accepted.
 */
final class CassandraAccountStore implements AccountStore {
  static final List<String> SCHEMA = List.of(
      "CREATE TABLE IF NOT EXISTS $ks.accounts_by_username (username text PRIMARY KEY, user_id text)",
      """
      CREATE TABLE IF NOT EXISTS $ks.accounts (
        user_id text PRIMARY KEY,
        username text,
        display_name text,
        password_hash text,
        created_at bigint
      )""");

  private final Cql cql;
  private PreparedStatement claimUsername;
  private PreparedStatement releaseUsername;
  private PreparedStatement insertAccount;
  private PreparedStatement findUserId;
  private PreparedStatement findById;

  CassandraAccountStore(Cql cql) {
    this.cql = cql;
  }

  Future<Void> prepare() {
    return Future.all(List.of(
        cql.prepare("INSERT INTO $ks.accounts_by_username (username, user_id) VALUES (?, ?) IF NOT EXISTS")
            .onSuccess(ps -> claimUsername = ps),
        cql.prepare("DELETE FROM $ks.accounts_by_username WHERE username = ? IF user_id = ?")
            .onSuccess(ps -> releaseUsername = ps),
        cql.prepare("INSERT INTO $ks.accounts (user_id, username, display_name, password_hash, created_at) "
            + "VALUES (?, ?, ?, ?, ?) IF NOT EXISTS").onSuccess(ps -> insertAccount = ps),
        cql.prepare("SELECT user_id FROM $ks.accounts_by_username WHERE username = ?")
            .onSuccess(ps -> findUserId = ps),
        cql.prepare("SELECT user_id, username, display_name, password_hash, created_at FROM $ks.accounts "
            + "WHERE user_id = ?").onSuccess(ps -> findById = ps))).mapEmpty();
  }

  @Override
  public Future<Account> create(Account account) {
    return cql.execute(bind(claimUsername, account.username(), account.userId())).compose(claimed -> {
      if (!claimed.wasApplied()) {
        return Future.failedFuture(new DuplicateKeyException("username already exists"));
      }
      return cql.execute(bind(insertAccount, account.userId(), account.username(), account.displayName(),
          account.passwordHash(), account.createdAt())).compose(inserted -> {
            if (inserted.wasApplied()) {
              return Future.succeededFuture(account);
            }
            return cql.execute(bind(releaseUsername, account.username(), account.userId()))
                .transform(released -> Future.failedFuture(new DuplicateKeyException("user id already exists")));
          });
    });
  }

  @Override
  public Future<Optional<Account>> byUsername(String username) {
    return cql.one(bind(findUserId, username))
        .compose(row -> row == null ? Future.succeededFuture(Optional.empty()) : byId(row.getString(0)));
  }

  @Override
  public Future<Optional<Account>> byId(String userId) {
    return cql.one(bind(findById, userId)).map(row -> Optional.ofNullable(row).map(CassandraAccountStore::account));
  }

  private static Account account(Row row) {
    return new Account(row.getString(0), row.getString(1), row.getString(2), row.getString(3), row.getLong(4));
  }
}
