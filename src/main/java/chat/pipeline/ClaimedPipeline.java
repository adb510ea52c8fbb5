package chat.pipeline;

import chat.store.Message;
import io.vertx.core.Future;

/**
 * A pipeline that takes sent messages whose idempotency key the router has already claimed in its
 * own store round trip (the cluster profile: a Cassandra lightweight transaction); the fan-out
 * expands each to the conversation's participants ({@code Recipients}).
 */
public interface ClaimedPipeline {
  /**
   * Called in admission order. Completes when the message can no longer be lost; that is when the
   * sender gets its ack.
   *
   * @param originSessionId the sending session, which gets the ack rather than a live copy
   * @return the sender's own inbox seq for the message when it is already known, else 0
   */
  Future<Long> submit(Message message, String originSessionId);
}
