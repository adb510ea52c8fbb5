package chat.notify;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What one notification tells a user who is not connected: how many messages arrived since the
 * previous notification, from whom and in which conversations (at most {@link Batch#MAX_LISTED}
 * of each, in order of arrival), and the timestamps of the first and last. Never a message's text.
 * The same JSON goes to the webhook and, encrypted, to each Web Push subscription; {@code id}
 * travels in the {@code X-Chat-Notification-Id} header so a receiver can drop a retried duplicate.
 */
record Notification(String id, String userId, int count, List<String> from, List<String> conversations,
                    long firstTs, long lastTs) {

  JsonObject toJson() {
    return new JsonObject().put("userId", userId).put("count", count).put("from", new JsonArray(from))
        .put("conversations", new JsonArray(conversations)).put("firstTs", firstTs).put("lastTs", lastTs);
  }
}
