package chat.pipeline;

import chat.protocol.SendAck;
import chat.store.Message;
import io.vertx.core.Future;

/**
 * A pipeline whose store claims a new message's idempotency key in the same durable write that
 * stores the message (the embedded profile), so the router need not claim first. Elsewhere the
 * claim is its own store round trip (a Cassandra lightweight transaction) before
 * {@link ClaimedPipeline#submit}.
 */
public interface ClaimingPipeline {
  /**
   * Called in admission order. Completes with the ack once the message is durable: the
   * candidate's msgId, or an earlier message's when the key was already claimed (a retried send).
   */
  Future<SendAck> claimAndSubmit(Message candidate, String idempotencyKey, String originSessionId);
}
