package chat;

/**
 * Every event-bus address (and, with the cluster profile, every Kafka topic) in one place, as
 * versioned dotted nouns. A change of payload shape gets a new version suffix, never an in-place edit.
 */
public final class Addresses {
  private Addresses() {
  }

  /** Request/reply: gateway asks the router to store and route one message ({@code SendCommand} → {@code SendAck}). */
  public static final String SEND_REQUESTS = "chat.send.requests.v1";

  /** Publish, node-local: inbox events that are durable and ready to push to live sessions ({@code Delivery}). */
  public static final String DELIVERIES = "chat.deliveries.v1";
}
