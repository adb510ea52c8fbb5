package chat.groups;

import chat.Addresses;
import chat.Resource;
import chat.protocol.ChatException;
import chat.protocol.ErrorCode;
import chat.store.Group;
import chat.store.GroupStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Group id → group (members and roles), so sends, history checks and fan-out answer membership
 * without a store read. Shared by the verticles of one node (thread-safe); a miss loads from the
 * store. A change made on any node is published on {@value Addresses#GROUP_CHANGES}, and every
 * node drops its older copy; copies only ever move to a newer version.
 *
 * <p>The event bus does not promise delivery, so the path that must be exact does not rely on it:
 * fan-out reloads a group from the store whenever it meets one of the group's system messages,
 * which travel in the group's own order (see {@link Recipients}).
 */
public final class MembershipCache implements Resource {
  private final Vertx vertx;
  private final GroupStore store;
  private final Map<String, Group> groups;
  private MessageConsumer<JsonObject> changes;

  public MembershipCache(Vertx vertx, GroupStore store, int capacity) {
    this.vertx = vertx;
    this.store = store;
    this.groups = new LinkedHashMap<>(1024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Group> eldest) {
        return size() > capacity;
      }
    };
  }

  @Override
  public Future<Void> open() {
    changes = vertx.eventBus().consumer(Addresses.GROUP_CHANGES,
        m -> forgetOlderThan(m.body().getString("groupId"), m.body().getLong("version")));
    return changes.completion();
  }

  @Override
  public Future<Void> close() {
    return changes == null ? Future.succeededFuture() : changes.unregister();
  }

  /** The group, from the cache or else the store; empty when there is no such group. */
  public Future<Optional<Group>> get(String groupId) {
    Group cached;
    synchronized (groups) {
      cached = groups.get(groupId);
    }
    return cached != null ? Future.succeededFuture(Optional.of(cached)) : reload(groupId);
  }

  /**
   * The group, for one of its members: {@code not_found} when there is no such group,
   * {@code forbidden} when {@code userId} is not (or no longer) a member.
   */
  public Future<Group> requireMember(String groupId, String userId) {
    return get(groupId).map(found -> {
      Group group = found.orElseThrow(() -> new ChatException(ErrorCode.NOT_FOUND, "no such group"));
      if (!group.isMember(userId)) {
        throw new ChatException(ErrorCode.FORBIDDEN, "not a member of this group");
      }
      return group;
    });
  }

  /** The group as the store has it now (and cached). */
  public Future<Optional<Group>> reload(String groupId) {
    return store.find(groupId).onSuccess(found -> found.ifPresent(this::keep));
  }

  /** Records a change made on this node and tells every node about it. */
  public void changed(Group group) {
    keep(group);
    vertx.eventBus().publish(Addresses.GROUP_CHANGES,
        new JsonObject().put("groupId", group.groupId()).put("version", group.version()));
  }

  private void keep(Group group) {
    synchronized (groups) {
      Group cached = groups.get(group.groupId());
      if (cached == null || cached.version() < group.version()) {
        groups.put(group.groupId(), group);
      }
    }
  }

  private void forgetOlderThan(String groupId, long version) {
    synchronized (groups) {
      Group cached = groups.get(groupId);
      if (cached != null && cached.version() < version) {
        groups.remove(groupId);
      }
    }
  }
}
