package chat.store;

import io.vertx.core.Future;

/** Maps (sender, client message id) to the msgId the server gave it, so a retried send is stored once. */
public interface IdempotencyStore {
  /**
   * Put-if-absent, durable when the future completes: returns {@code candidateMsgId} when the key
   * was new, or the msgId claimed earlier for the same key.
   */
  Future<Long> claim(String senderId, String clientId, long candidateMsgId);
}
