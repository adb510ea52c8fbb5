package chat.gateway;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The authenticated sessions of one gateway instance, by user. Confined to that instance's event
 * loop (sessions are created, closed and pushed to there), so it needs no locking.
 */
final class SessionRegistry {
  private final Map<String, List<Session>> byUser = new HashMap<>();

  void add(Session session) {
    byUser.computeIfAbsent(session.userId(), u -> new ArrayList<>(2)).add(session);
  }

  void remove(Session session) {
    List<Session> sessions = byUser.get(session.userId());
    if (sessions != null && sessions.remove(session) && sessions.isEmpty()) {
      byUser.remove(session.userId());
    }
  }

  List<Session> of(String userId) {
    return byUser.getOrDefault(userId, List.of());
  }
}
