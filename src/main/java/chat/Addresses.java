package chat;

/**
 * Every event-bus address, Kafka topic and consumer group, and cluster-wide map, in one place, as
 * versioned dotted nouns. A change of payload shape gets a new version suffix, never an in-place edit.
 */
public final class Addresses {
  private Addresses() {
  }

  /** Request/reply, node-local: gateway asks its node's router to store and route one message ({@code SendCommand} → {@code SendAck}). */
  public static final String SEND_REQUESTS = "chat.send.requests.v1";

  /**
   * Request/reply, node-local: gateway hands its node's receipt verticle one client receipt
   * ({@code {userId, conversation, status, upTo}}); the reply is empty, or a failure naming the error.
   */
  public static final String RECEIPT_REQUESTS = "chat.receipt.requests.v1";

  /** Send, node-local: a user's sessions on this node changed ({@code {userId}}); presence checks whether they are online. */
  public static final String PRESENCE_CHECKS = "chat.presence.checks.v1";

  /**
   * Request/reply, node-local: a session subscribes to users' presence ({@code {subscriber, users}}
   * → {@code {presences: [frame...], forbidden: [userId...]}}).
   */
  public static final String PRESENCE_REQUESTS = "chat.presence.requests.v1";

  /** Publish, to every node: a user went online or offline ({@code {user, status, lastSeen?}}, the client frame). */
  public static final String PRESENCE_CHANGES = "chat.presence.changes.v1";

  /** Send, node-local: a typing frame to pass on ({@code {userId, conversation, state}}). */
  public static final String TYPING_REQUESTS = "chat.typing.requests.v1";

  /**
   * Publish, to every node: a group changed ({@code {groupId, version}}); each node's membership
   * cache drops an older copy, so the next check reads the new member list.
   */
  public static final String GROUP_CHANGES = "chat.groups.changes.v1";

  /**
   * Send, node-local: an inbox event of a user with no live session ({@code {userId, event}}, the
   * event's JSON payload as a string) for the node's notification verticle to notify.
   */
  public static final String NOTIFICATIONS = "chat.notifications.v1";

  /** Kafka topic (cluster profile): accepted messages, keyed by conversation id, so each conversation keeps one order. */
  public static final String MESSAGES_TOPIC = "chat.messages.v1";

  /** Kafka topic (cluster profile): inbox events, keyed by recipient user id, so each user's inbox has one writer. */
  public static final String INBOX_TOPIC = "chat.inbox.v1";

  /** Kafka consumer group of the fan-out stage (messages → history and inbox records). */
  public static final String FANOUT_GROUP = "chat.fanout.v1";

  /** Kafka consumer group of the inbox stage (inbox records → seq, inbox table, live delivery). */
  public static final String INBOX_GROUP = "chat.inbox-writers.v1";

  /** Hazelcast multimap: user id → ids of the nodes holding that user's live sessions. */
  public static final String SESSIONS_BY_USER = "chat.sessions.by-user.v1";

  /** Hazelcast map: CHAT_NODE_ID → the member holding it, so no two live nodes share one. */
  public static final String NODE_IDS = "chat.node-ids.v1";

  /** Hazelcast multimap: node id → the users it holds sessions of (to clean up after a node dies). */
  public static final String SESSIONS_BY_NODE = "chat.sessions.by-node.v1";

  /**
   * Publish, to one node's gateways: durable inbox events to push to the live sessions they hold
   * ({@code Delivery}). One address per node, so an event goes only where the user is connected.
   */
  public static String deliveriesFor(String nodeId) {
    return "chat.deliveries.v1." + nodeId;
  }
}
