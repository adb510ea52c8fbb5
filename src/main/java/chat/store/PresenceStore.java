package chat.store;

import io.vertx.core.Future;

/** When each user was last seen (their last session ended) and whether they show it. */
public interface PresenceStore {
  /** A user's stored presence facts; {@code lastSeen} null when never recorded. */
  record Seen(String userId, Long lastSeen, boolean showLastSeen) {
  }

  /** Records that the user's last session ended at {@code at} (ms); only ever moves forward. */
  Future<Void> recordLastSeen(String userId, long at);

  Future<Void> setShowLastSeen(String userId, boolean show);

  /** The user's facts; lastSeen null and showLastSeen true when nothing is stored. */
  Future<Seen> of(String userId);
}
