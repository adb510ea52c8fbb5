package chat.store;

import chat.Resource;
import io.vertx.core.Future;

/** The storage ports of one engine, opened and closed together. */
public interface Stores extends Resource {

  /** Completes when every store answers (readiness). */
  Future<Void> ping();

  AccountStore accounts();

  RefreshTokenStore refreshTokens();

  IdempotencyStore idempotency();

  MessageStore messages();

  InboxStore inbox();

  GroupStore groups();

  ReceiptStore receipts();

  PresenceStore presence();

  PushSubscriptionStore pushSubscriptions();

  MediaStore media();
}
