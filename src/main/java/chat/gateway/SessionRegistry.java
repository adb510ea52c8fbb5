package chat.gateway;

import chat.metrics.NodeMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The authenticated sessions of one gateway instance, by user, and who watches whose presence. Confined to that instance's event
 * loop (sessions are created, closed and pushed to there), so it needs no locking.
 */
final class SessionRegistry {
  private final NodeMetrics metrics;
  private final Map<String, List<Session>> byUser = new HashMap<>();
  private final Map<String, List<Session>> watchers = new HashMap<>();

  SessionRegistry(NodeMetrics metrics) {
    this.metrics = metrics;
  }

  void add(Session session) {
    byUser.computeIfAbsent(session.userId(), u -> new ArrayList<>(2)).add(session);
    metrics.sessionOpened();
  }

  void remove(Session session) {
    List<Session> sessions = byUser.get(session.userId());
    if (sessions != null && sessions.remove(session)) {
      metrics.sessionClosed();
      if (sessions.isEmpty()) {
        byUser.remove(session.userId());
      }
    }
  }

  List<Session> of(String userId) {
    return byUser.getOrDefault(userId, List.of());
  }

  /** Every session, for the heartbeat sweep (a copy: the sweep closes some). */
  List<Session> all() {
    List<Session> all = new ArrayList<>();
    byUser.values().forEach(all::addAll);
    return all;
  }

  void watch(String watchedUser, Session watcher) {
    watchers.computeIfAbsent(watchedUser, u -> new ArrayList<>(2)).add(watcher);
  }

  void unwatch(String watchedUser, Session watcher) {
    List<Session> sessions = watchers.get(watchedUser);
    if (sessions != null && sessions.remove(watcher) && sessions.isEmpty()) {
      watchers.remove(watchedUser);
    }
  }

  /** The sessions watching a user's presence. */
  List<Session> watching(String watchedUser) {
    return watchers.getOrDefault(watchedUser, List.of());
  }
}
