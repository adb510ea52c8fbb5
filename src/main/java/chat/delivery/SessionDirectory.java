package chat.delivery;

import io.vertx.core.Future;
import java.util.Collection;

/**
 * Which nodes hold live sessions of a user, so a durable inbox event is carried to exactly those
 * nodes. Each node registers its own users; a node that dies leaves the directory with its entries.
 */
public interface SessionDirectory {
  /** The id of this node in the directory; its gateways listen on {@code Addresses.deliveriesFor(nodeId())}. */
  String nodeId();

  /** A session of {@code userId} became live on this node. Completes once other nodes can see it. */
  Future<Void> sessionOpened(String userId);

  /** A session of {@code userId} on this node ended. */
  Future<Void> sessionClosed(String userId);

  /** The nodes that hold at least one live session of {@code userId}. */
  Future<Collection<String>> nodesOf(String userId);
}
