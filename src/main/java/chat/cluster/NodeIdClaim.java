package chat.cluster;

import chat.Addresses;
import chat.Resource;
import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.UUID;

/**
 * Makes {@code CHAT_NODE_ID} unique in the cluster. Two live nodes with one id would mint equal
 * msgIds, and the fan-out stage would drop the second message as a replay of the first although it
 * was acked. Map {@value Addresses#NODE_IDS}: node id → Hazelcast member UUID of its holder; the id
 * of a member that is gone may be taken over.
 */
public final class NodeIdClaim implements Resource {
  private final Vertx vertx;
  private final HazelcastInstance hazelcast;
  private final int nodeId;
  private final UUID self;

  public NodeIdClaim(Vertx vertx, HazelcastInstance hazelcast, int nodeId) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
    this.nodeId = nodeId;
    this.self = hazelcast.getCluster().getLocalMember().getUuid();
  }

  @Override
  public Future<Void> open() {
    return vertx.executeBlocking(() -> {
      IMap<Integer, UUID> ids = hazelcast.getMap(Addresses.NODE_IDS);
      while (true) {
        UUID holder = ids.putIfAbsent(nodeId, self);
        if (holder == null || holder.equals(self)) {
          return null;
        }
        boolean alive = hazelcast.getCluster().getMembers().stream().map(Member::getUuid).anyMatch(holder::equals);
        if (alive) {
          throw new IllegalStateException("CHAT_NODE_ID " + nodeId + " is used by cluster member " + holder
              + "; every node needs its own id (0.." + chat.ids.Snowflake.MAX_NODE_ID + ")");
        }
        if (ids.replace(nodeId, holder, self)) {
          return null;
        }
      }
    });
  }

  @Override
  public Future<Void> close() {
    return vertx.executeBlocking(() -> {
      hazelcast.<Integer, UUID>getMap(Addresses.NODE_IDS).remove(nodeId, self);
      return null;
    });
  }
}
