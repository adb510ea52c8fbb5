package chat.store;

import io.vertx.core.Future;
import java.util.Optional;

/**
 * Groups, each read and written whole (its member list is bounded, see {@code groups.maxMembers}):
 * a group id maps to its members in one read, and every change replaces the group at once, so two
 * concurrent changes can never interleave.
 */
public interface GroupStore {
  /** Stores a new group; fails with {@link DuplicateKeyException} when the id is taken. */
  Future<Void> create(Group group);

  Future<Optional<Group>> find(String groupId);

  /**
   * Replaces the stored group with {@code next} when the stored version is still
   * {@code next.version() - 1}; false (and nothing changed) when another change came first.
   */
  Future<Boolean> replace(Group next);
}
