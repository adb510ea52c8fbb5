package chat.delivery;

import io.vertx.core.Future;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The directory of a single node (embedded profile): a count of live sessions per user, in memory. */
public final class LocalSessionDirectory implements SessionDirectory {
  private static final String NODE = "local";
  private final Map<String, Integer> sessions = new ConcurrentHashMap<>();

  @Override
  public String nodeId() {
    return NODE;
  }

  @Override
  public Future<Void> sessionOpened(String userId) {
    sessions.merge(userId, 1, Integer::sum);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> sessionClosed(String userId) {
    sessions.computeIfPresent(userId, (u, n) -> n == 1 ? null : n - 1);
    return Future.succeededFuture();
  }

  @Override
  public Future<Collection<String>> nodesOf(String userId) {
    return Future.succeededFuture(sessions.containsKey(userId) ? List.of(NODE) : List.of());
  }
}
