package chat.notify;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;

/** The messages of one user gathered for the next notification. */
final class Batch {
  /** Senders and conversations listed per notification; a push message must stay under 4 KB. */
  static final int MAX_LISTED = 20;

  private int count;
  private final Set<String> from = new LinkedHashSet<>();
  private final Set<String> conversations = new LinkedHashSet<>();
  private long firstTs = Long.MAX_VALUE;
  private long lastTs = Long.MIN_VALUE;

  void add(String sender, String conversation, long ts) {
    count++;
    if (from.size() < MAX_LISTED) {
      from.add(sender);
    }
    if (conversations.size() < MAX_LISTED) {
      conversations.add(conversation);
    }
    firstTs = Math.min(firstTs, ts);
    lastTs = Math.max(lastTs, ts);
  }

  boolean isEmpty() {
    return count == 0;
  }

  Notification toNotification(String userId) {
    return new Notification(UUID.randomUUID().toString(), userId, count, new ArrayList<>(from),
        new ArrayList<>(conversations), firstTs, lastTs);
  }
}
