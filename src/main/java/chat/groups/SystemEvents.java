package chat.groups;

import chat.store.Group;
import chat.store.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The machine-readable {@code event} of a group's system messages (kind {@value #KIND}), one per
 * membership change. Stored as the message body; clients get it as the message's {@code event}
 * object (docs/protocol.md lists the types).
 */
public final class SystemEvents {
  public static final String KIND = Message.SYSTEM_KIND;

  private SystemEvents() {
  }

  static JsonObject created(String by, String title, List<String> members) {
    return new JsonObject().put("type", "group.created").put("by", by).put("title", title)
        .put("members", new JsonArray(members));
  }

  static JsonObject renamed(String by, String title) {
    return new JsonObject().put("type", "group.renamed").put("by", by).put("title", title);
  }

  static JsonObject membersAdded(String by, List<String> members) {
    return new JsonObject().put("type", "members.added").put("by", by).put("members", new JsonArray(members));
  }

  static JsonObject memberRemoved(String by, String userId) {
    return new JsonObject().put("type", "member.removed").put("by", by).put("userId", userId);
  }

  /** {@code newOwner} is set when the owner left and ownership passed on. */
  static JsonObject memberLeft(String userId, String newOwner) {
    JsonObject event = new JsonObject().put("type", "member.left").put("userId", userId);
    return newOwner == null ? event : event.put("newOwner", newOwner);
  }

  static JsonObject admin(String by, String userId, boolean granted) {
    return new JsonObject().put("type", granted ? "admin.granted" : "admin.revoked").put("by", by).put("userId", userId);
  }

  /**
   * Who gets a system message: the group's members once its change is stored, and the user the
   * change took out (removed or left), so their devices learn of it.
   */
  static List<String> recipients(Group group, JsonObject event) {
    String type = event.getString("type");
    boolean takesOut = "member.removed".equals(type) || "member.left".equals(type);
    List<String> users = new ArrayList<>(group.memberIds());
    if (takesOut && !users.contains(event.getString("userId"))) {
      users.add(event.getString("userId"));
    }
    return users;
  }
}
