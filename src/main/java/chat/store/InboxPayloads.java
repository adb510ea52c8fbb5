package chat.store;

import chat.protocol.Frames;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the embedded engines store an event's payload once for all its users: most users of an event
 * get the same payload (the shared one); a row keeps its own only when it differs, and only the
 * members it has before the shared ones when that is all that differs ({@link Frames#membersBefore}):
 * the sender's copy of a message is the recipients' with its client id first (docs/performance.md,
 * change 14).
 */
public final class InboxPayloads {
  private InboxPayloads() {
  }

  /**
   * The payload most of {@code eventId}'s events carry. Counted by identity: callers share one payload
   * instance among an event's users, and hashing 300-byte strings showed in profiles.
   */
  public static String commonest(List<InboxEvent> events, long eventId) {
    Map<String, Integer> counts = new IdentityHashMap<>();
    String commonest = null;
    int most = 0;
    for (InboxEvent event : events) {
      if (event.eventId() == eventId) {
        int count = counts.merge(event.payload(), 1, Integer::sum);
        // on a tie the shorter: a 1:1 message's recipient copy, which the sender's extends (own members)
        if (count > most || count == most && event.payload().length() < commonest.length()) {
          most = count;
          commonest = event.payload();
        }
      }
    }
    return commonest;
  }

  /** A row's payload: its own, else the shared one with the row's own members first, else the shared one. */
  public static String of(String own, String ownMembers, String shared) {
    if (own != null) {
      return own;
    }
    return ownMembers == null ? shared : Frames.withMember(shared, ownMembers);
  }
}
