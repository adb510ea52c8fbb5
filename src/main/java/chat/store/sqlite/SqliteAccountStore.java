package chat.store.sqlite;

import chat.store.Account;
import chat.store.AccountStore;
import chat.store.DuplicateKeyException;
import io.vertx.core.Future;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Accounts in SQLite.
 *
 * <p>Table {@code accounts}: key {@code user_id}; unique {@code username}; columns display_name,
 * password_hash (Argon2id PHC string), created_at (ms).
 */
final class SqliteAccountStore implements AccountStore {
  static final List<String> SCHEMA = List.of("""
      CREATE TABLE IF NOT EXISTS accounts (
        user_id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        display_name TEXT,
        password_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID""");

  private static final String COLUMNS = "user_id, username, display_name, password_hash, created_at";
  private final SqliteEngine engine;

  SqliteAccountStore(SqliteEngine engine) {
    this.engine = engine;
  }

  @Override
  public Future<Account> create(Account account) {
    return engine.write(db -> {
      PreparedStatement ps = db.prepare(
          "INSERT INTO accounts (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
      ps.setString(1, account.userId());
      ps.setString(2, account.username());
      ps.setString(3, account.displayName());
      ps.setString(4, account.passwordHash());
      ps.setLong(5, account.createdAt());
      if (ps.executeUpdate() == 0) {
        throw new DuplicateKeyException("username or user id already exists");
      }
      return account;
    });
  }

  @Override
  public Future<Optional<Account>> byUsername(String username) {
    return engine.read(db -> one(db.prepare("SELECT " + COLUMNS + " FROM accounts WHERE username = ?"), username));
  }

  @Override
  public Future<Optional<Account>> byId(String userId) {
    return engine.read(db -> one(db.prepare("SELECT " + COLUMNS + " FROM accounts WHERE user_id = ?"), userId));
  }

  private static Optional<Account> one(PreparedStatement ps, String key) throws SQLException {
    ps.setString(1, key);
    try (ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return Optional.empty();
      }
      return Optional.of(new Account(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5)));
    }
  }
}
