package chat.cluster;

import chat.Addresses;
import chat.Resource;
import chat.delivery.SessionDirectory;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.multimap.MultiMap;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster-wide session directory, on Hazelcast.
 *
 * <p>Multimaps (value sets): {@value Addresses#SESSIONS_BY_USER} user id → node ids holding a live
 * session of the user; {@value Addresses#SESSIONS_BY_NODE} node id → user ids, the index used to
 * purge a node's entries. A node id is the Vert.x cluster node id (a member attribute in Hazelcast).
 *
 * <p>Each node counts its own sessions per user and touches the maps only when a count goes
 * 0 → 1 or 1 → 0, on one worker thread so those changes apply in order. When a member leaves the
 * cluster (even by kill -9: Hazelcast removes it after its heartbeat timeout), every survivor purges
 * its entries; the purge is idempotent.
 */
public final class HazelcastSessionDirectory implements SessionDirectory, Resource {
  private static final Logger LOG = LoggerFactory.getLogger(HazelcastSessionDirectory.class);

  private final Vertx vertx;
  private final String nodeId;
  private final MultiMap<String, String> byUser;
  private final MultiMap<String, String> byNode;
  private final HazelcastInstance hazelcast;
  /** Sessions of this node per user; touched only on the directory's single worker thread. */
  private final Map<String, Integer> localCounts = new HashMap<>();
  private WorkerExecutor writer;
  private UUID membershipListener;

  public HazelcastSessionDirectory(Vertx vertx, HazelcastInstance hazelcast, String nodeId) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
    this.nodeId = nodeId;
    this.byUser = hazelcast.getMultiMap(Addresses.SESSIONS_BY_USER);
    this.byNode = hazelcast.getMultiMap(Addresses.SESSIONS_BY_NODE);
  }

  private static final String VERTX_NODE_ID_ATTRIBUTE = "__vertx.nodeId";

  @Override
  public Future<Void> open() {
    writer = vertx.createSharedWorkerExecutor("chat-session-directory", 1);
    membershipListener = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        // The Vert.x node id is not the Hazelcast member UUID: vertx-hazelcast 5 makes up its own
        // and keeps it in this member attribute (the directory is keyed by the Vert.x node id).
        String gone = event.getMember().getAttribute(VERTX_NODE_ID_ATTRIBUTE);
        if (gone == null) {
          return;
        }
        writer.executeBlocking(() -> purge(gone), false).onSuccess(users -> {
          LOG.info("node {} left: {} users dropped from the session directory", gone, users.size());
          // their presence may have ended with that node
          users.forEach(user -> vertx.eventBus().send(Addresses.PRESENCE_CHECKS, new JsonObject().put("userId", user)));
        });
      }
    });
    return Future.succeededFuture();
  }

  @Override
  public String nodeId() {
    return nodeId;
  }

  @Override
  public Future<Void> sessionOpened(String userId) {
    return writer.executeBlocking(() -> {
      if (localCounts.merge(userId, 1, Integer::sum) == 1) {
        byUser.put(userId, nodeId);
        byNode.put(nodeId, userId);
      }
      return null;
    });
  }

  @Override
  public Future<Void> sessionClosed(String userId) {
    return writer.executeBlocking(() -> {
      Integer left = localCounts.computeIfPresent(userId, (u, n) -> n == 1 ? null : n - 1);
      if (left == null) {
        byUser.remove(userId, nodeId);
        byNode.remove(nodeId, userId);
      }
      return null;
    });
  }

  @Override
  public Future<Collection<String>> nodesOf(String userId) {
    return vertx.executeBlocking(() -> List.copyOf(byUser.get(userId)), false);
  }

  /** Drops a node's entries; answers the users it had (empty for every survivor but the first to purge). */
  private Collection<String> purge(String node) {
    Collection<String> users = byNode.remove(node);
    for (String user : users) {
      byUser.remove(user, node);
    }
    return users;
  }

  /** Leaving on purpose: drop this node's entries now rather than waiting for the others to notice. */
  @Override
  public Future<Void> close() {
    if (writer == null) {
      return Future.succeededFuture();
    }
    hazelcast.getCluster().removeMembershipListener(membershipListener);
    return writer.<Void>executeBlocking(() -> {
      localCounts.clear();
      purge(nodeId);
      return null;
    }).eventually(() -> writer.close());
  }
}
