package chat.delivery;

import chat.Addresses;
import chat.notify.NotificationVerticle;
import chat.protocol.Delivery;
import chat.store.InboxEvent;
import io.vertx.core.eventbus.EventBus;

/**
 * Carries durable inbox events to the nodes that hold the user's live sessions. Best effort by
 * design: an event that misses a device live is still in the inbox, and the device gets it by sync.
 */
public final class LiveDelivery {
  private final EventBus bus;
  private final SessionDirectory directory;

  public LiveDelivery(EventBus bus, SessionDirectory directory) {
    this.bus = bus;
    this.directory = directory;
  }

  /**
   * Pushes a freshly stored event to every live session of its user but {@code excludeSessionId};
   * the event of a user with no live session goes to this node's notifications instead.
   */
  public void deliver(InboxEvent event, String excludeSessionId) {
    directory.nodesOf(event.userId()).onSuccess(nodes -> {
      if (nodes.isEmpty()) {
        NotificationVerticle.notice(bus, event);
        return;
      }
      Delivery delivery = new Delivery(event.userId(), event.seq(), event.payload(), excludeSessionId);
      for (String node : nodes) {
        bus.publish(Addresses.deliveriesFor(node), delivery);
      }
    });
  }
}
