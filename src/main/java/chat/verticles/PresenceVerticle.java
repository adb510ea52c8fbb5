package chat.verticles;

import chat.Addresses;
import chat.async.Lru;
import chat.delivery.SessionDirectory;
import chat.groups.MembershipCache;
import chat.protocol.ConversationId;
import chat.store.ConversationSummary;
import chat.store.Group;
import chat.store.MessageStore;
import chat.store.PresenceStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Who is online. A user is online while the session directory lists a node holding one of their
 * sessions (the directory is cluster-wide in the cluster profile, and drops a dead node's users).
 * Whenever a user's sessions change on this node, or a dead node's users are dropped, this verticle
 * checks the user and publishes a transition on {@value Addresses#PRESENCE_CHANGES}, never a stream
 * of heartbeats; going offline records {@code lastSeen}. It also answers subscriptions: who may be
 * watched (users sharing a conversation with the subscriber) and their current presence.
 * One instance per node.
 */
public final class PresenceVerticle extends VerticleBase {
  private static final int KNOWN_MAX = 100_000;
  private static final int CONVERSATIONS_CONSIDERED = 200;

  private final SessionDirectory directory;
  private final PresenceStore store;
  private final MessageStore messages;
  private final MembershipCache groups;
  private final Clock clock;
  /** The last status published for each user (by any node), so a check publishes only a change. */
  private final Lru<String, Boolean> known = new Lru<>(KNOWN_MAX);

  public PresenceVerticle(SessionDirectory directory, PresenceStore store, MessageStore messages,
                          MembershipCache groups, Clock clock) {
    this.directory = directory;
    this.store = store;
    this.messages = messages;
    this.groups = groups;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    return Future.join(
        vertx.eventBus().<JsonObject>localConsumer(Addresses.PRESENCE_CHECKS, m -> check(m.body().getString("userId")))
            .completion(),
        vertx.eventBus().<JsonObject>consumer(Addresses.PRESENCE_CHANGES,
            m -> known.put(m.body().getString("user"), "online".equals(m.body().getString("status")))).completion(),
        vertx.eventBus().<JsonObject>localConsumer(Addresses.PRESENCE_REQUESTS, this::subscribe).completion());
  }

  private void check(String userId) {
    directory.nodesOf(userId).onSuccess(nodes -> {
      boolean online = !nodes.isEmpty();
      Boolean was = known.get(userId);
      if (was != null && was == online) {
        return;
      }
      known.put(userId, online);
      if (online) {
        vertx.eventBus().publish(Addresses.PRESENCE_CHANGES, frame(userId, true, null));
        return;
      }
      long now = clock.millis();
      store.recordLastSeen(userId, now).compose(v -> store.of(userId)).onSuccess(seen ->
          vertx.eventBus().publish(Addresses.PRESENCE_CHANGES, frame(userId, false, seen.showLastSeen() ? now : null)));
    });
  }

  private void subscribe(Message<JsonObject> request) {
    String subscriber = request.body().getString("subscriber");
    List<String> users = request.body().getJsonArray("users").stream().map(String.class::cast).toList();
    watchable(subscriber).compose(allowed -> {
      List<String> forbidden = users.stream().filter(u -> !allowed.contains(u)).toList();
      List<Future<JsonObject>> presences = users.stream().filter(allowed::contains).map(this::current).toList();
      return Future.all(presences).map(v -> new JsonObject()
          .put("presences", new JsonArray(presences.stream().map(Future::result).toList()))
          .put("forbidden", new JsonArray(forbidden)));
    }).onSuccess(request::reply).onFailure(e -> request.fail(500, "presence failed"));
  }

  /** Users who share a conversation with {@code subscriber}: direct chats with messages, and groups they are both in. */
  private Future<Set<String>> watchable(String subscriber) {
    return messages.conversations(subscriber, CONVERSATIONS_CONSIDERED).compose(list -> {
      Set<String> peers = new HashSet<>();
      List<Future<Optional<Group>>> ofGroups = new ArrayList<>();
      for (ConversationSummary c : list) {
        ConversationId id = ConversationId.parse(c.conversationId());
        if (id.isDirect()) {
          peers.add(id.peerOf(subscriber));
        } else {
          ofGroups.add(groups.get(id.groupId()));
        }
      }
      return Future.all(ofGroups).map(v -> {
        for (Future<Optional<Group>> group : ofGroups) {
          group.result().filter(g -> g.isMember(subscriber)).ifPresent(g -> peers.addAll(g.memberIds()));
        }
        peers.remove(subscriber);
        return peers;
      });
    });
  }

  private Future<JsonObject> current(String userId) {
    return directory.nodesOf(userId).compose(nodes -> nodes.isEmpty()
        ? store.of(userId).map(seen -> frame(userId, false, seen.showLastSeen() ? seen.lastSeen() : null))
        : Future.succeededFuture(frame(userId, true, null)));
  }

  private static JsonObject frame(String userId, boolean online, Long lastSeen) {
    JsonObject frame = new JsonObject().put("type", "presence").put("user", userId)
        .put("status", online ? "online" : "offline");
    return lastSeen == null ? frame : frame.put("lastSeen", lastSeen);
  }
}
