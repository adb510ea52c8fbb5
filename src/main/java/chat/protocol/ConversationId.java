package chat.protocol;

import java.util.List;

/**
 * Conversation ids: {@code d:<smallerUserId>:<largerUserId>} for a direct chat (plain string
 * order), {@code g:<groupId>} for a group.
 */
public record ConversationId(String value, Kind kind, List<String> directParticipants) {
  public enum Kind { DIRECT, GROUP }

  public static ConversationId direct(String a, String b) {
    boolean aFirst = a.compareTo(b) <= 0;
    String first = aFirst ? a : b;
    String second = aFirst ? b : a;
    return new ConversationId("d:" + first + ":" + second, Kind.DIRECT, List.of(first, second));
  }

  /** Parses a client-supplied id; throws {@code bad_request} when it is malformed. */
  public static ConversationId parse(String value) {
    if (value != null && value.length() <= 200) {
      if (value.startsWith("d:")) {
        String[] parts = value.split(":", -1);
        if (parts.length == 3 && !parts[1].isEmpty() && !parts[2].isEmpty() && parts[1].compareTo(parts[2]) < 0) {
          return new ConversationId(value, Kind.DIRECT, List.of(parts[1], parts[2]));
        }
      } else if (value.startsWith("g:") && isGroupId(value.substring(2))) {
        return new ConversationId(value, Kind.GROUP, List.of());
      }
    }
    throw new ChatException(ErrorCode.BAD_REQUEST, "malformed conversation id");
  }

  /** Group ids are msgId-style decimal numbers. */
  public static boolean isGroupId(String value) {
    if (value.isEmpty() || value.length() > 19) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) < '0' || value.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** For a group: its group id. */
  public String groupId() {
    return value.substring(2);
  }

  /**
   * Checks that {@code userId} takes part in this direct chat: {@code forbidden} for a direct chat
   * of two other users. Group membership is the membership cache's to check.
   */
  public ConversationId requireParticipant(String userId) {
    if (!isDirect()) {
      throw new IllegalStateException("group membership is checked by MembershipCache");
    }
    if (!directParticipants.contains(userId)) {
      throw new ChatException(ErrorCode.FORBIDDEN, "not a participant of this conversation");
    }
    return this;
  }

  public boolean isDirect() {
    return kind == Kind.DIRECT;
  }

  /** For a direct chat: the participant who is not {@code userId}. */
  public String peerOf(String userId) {
    return directParticipants.get(0).equals(userId) ? directParticipants.get(1) : directParticipants.get(0);
  }
}
