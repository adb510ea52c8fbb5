package chat.store;

import io.vertx.core.Future;
import java.util.List;

/** Per-user ordered event log: the source of truth for offline delivery and multi-device sync. */
public interface InboxStore {
  /**
   * Appends events in list order, each taking its user's next seq (exactly +1). An event whose
   * (user, eventId) is already stored keeps its old seq and comes back with {@code fresh=false}.
   * Durable when the future completes. Results are in the order of {@code events}.
   */
  Future<List<InboxEvent>> append(List<InboxEvent> events);

  /** Up to {@code limit} events with seq > {@code afterSeq}, in seq order. */
  Future<List<InboxEvent>> after(String userId, long afterSeq, int limit);

  /** The newest seq of the user, 0 when the inbox is empty. */
  Future<Long> latestSeq(String userId);

  /**
   * Drops any cached newest-seq per user. A writer calls it when it may have lost and regained
   * ownership of users (a Kafka rebalance), so it continues each user's seq from the store.
   */
  default void forgetCachedSeqs() {
  }
}
