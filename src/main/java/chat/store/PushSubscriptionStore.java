package chat.store;

import io.vertx.core.Future;
import java.util.List;

/**
 * Web Push subscriptions per user. An endpoint is one browser profile's push channel, so it belongs
 * to at most one user: saving it for a user moves it away from whoever held it before (a shared
 * browser where another user logged in must not show the previous user's notifications).
 */
public interface PushSubscriptionStore {
  /** Stores the subscription, replacing the keys and creation time of an endpoint already stored. */
  Future<Void> save(PushSubscription subscription);

  /** The user's subscriptions, oldest first. */
  Future<List<PushSubscription>> of(String userId);

  /** Removes the user's subscription at {@code endpoint}; false when the user had none there. */
  Future<Boolean> remove(String userId, String endpoint);
}
