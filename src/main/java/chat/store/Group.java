package chat.store;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A group conversation and its members, oldest first. {@code version} grows by one with every
 * change, so a store can replace a group only when nobody changed it since it was read. A member's
 * {@code joinedMsgId} is the msgId of the system message that added them: history before it is not
 * theirs to read.
 */
public record Group(String groupId, String title, long version, long createdAt, List<Member> members) {

  public enum Role {
    OWNER, ADMIN, MEMBER;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Role fromWire(String value) {
      return valueOf(value.toUpperCase(Locale.ROOT));
    }
  }

  public record Member(String userId, Role role, long joinedMsgId) {
    public Member withRole(Role next) {
      return new Member(userId, next, joinedMsgId);
    }
  }

  public Group {
    members = List.copyOf(members);
  }

  public String conversationId() {
    return "g:" + groupId;
  }

  public Optional<Member> member(String userId) {
    for (Member m : members) {
      if (m.userId().equals(userId)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  public boolean isMember(String userId) {
    return member(userId).isPresent();
  }

  public List<String> memberIds() {
    return members.stream().map(Member::userId).toList();
  }

  /** The next version of this group with another title and member list. */
  public Group next(String newTitle, List<Member> newMembers) {
    return new Group(groupId, newTitle, version + 1, createdAt, newMembers);
  }

  /** The member list as stored: a JSON array of {@code {userId, role, joinedMsgId}}, oldest first. */
  public String membersJson() {
    JsonArray array = new JsonArray();
    for (Member m : members) {
      array.add(new JsonObject().put("userId", m.userId()).put("role", m.role().wire()).put("joinedMsgId", m.joinedMsgId()));
    }
    return array.encode();
  }

  public static List<Member> membersFromJson(String json) {
    return new JsonArray(json).stream().map(JsonObject.class::cast)
        .map(o -> new Member(o.getString("userId"), Role.fromWire(o.getString("role")), o.getLong("joinedMsgId")))
        .toList();
  }
}
