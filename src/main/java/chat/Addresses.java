package chat;

/**
 * Every event-bus address (and, with the cluster profile, every Kafka topic) in one place, as
 * versioned dotted nouns. A change of payload shape gets a new version suffix, never an in-place edit.
 */
public final class Addresses {
  private Addresses() {
  }

  /** Request/reply, node-local: gateway asks its node's router to store and route one message ({@code SendCommand} → {@code SendAck}). */
  public static final String SEND_REQUESTS = "chat.send.requests.v1";

  /**
   * Publish, to one node's gateways: durable inbox events to push to the live sessions they hold
   * ({@code Delivery}). One address per node, so an event goes only where the user is connected.
   */
  public static String deliveriesFor(String nodeId) {
    return "chat.deliveries.v1." + nodeId;
  }
}
