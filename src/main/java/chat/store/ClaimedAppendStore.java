package chat.store;

import io.vertx.core.Future;
import java.util.List;

/**
 * A new message's whole durable write in one step: its idempotency key claimed and, when the key
 * was free, the message appended to its conversation's history and to each participant's inbox.
 * An engine offers it where those tables share one transaction (SQLite): the message then costs
 * one group commit before its ack instead of two in a row (claim, then message).
 */
public interface ClaimedAppendStore {

  /**
   * @param msgId the message holding the key: the candidate's, or an earlier one's
   * @param appended the inbox events as appended when the candidate took the key; empty when an
   *     earlier message holds it, and then nothing was written
   */
  record ClaimedAppend(long msgId, List<InboxEvent> appended) {
  }

  /**
   * Claims ({@code candidate.senderId()}, {@code idempotencyKey}) for the candidate's msgId; if it
   * was free, appends the candidate as {@link MessageStore#append} and {@code events} as
   * {@link InboxStore#append} would, all or nothing. Durable when the future completes.
   */
  Future<ClaimedAppend> claimAndAppend(String idempotencyKey, Message candidate, List<String> participants,
                                       List<InboxEvent> events);
}
