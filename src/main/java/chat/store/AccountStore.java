package chat.store;

import io.vertx.core.Future;
import java.util.Optional;

/** Accounts by id and by (unique) username. */
public interface AccountStore {
  /** Stores a new account; fails with {@link DuplicateKeyException} when the username is taken. */
  Future<Account> create(Account account);

  Future<Optional<Account>> byUsername(String username);

  Future<Optional<Account>> byId(String userId);
}
