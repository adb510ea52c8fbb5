package chat.groups;

import chat.protocol.ConversationId;
import chat.store.Group;
import chat.store.Message;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The fan-out's expansion of a message to the users whose history lists and inboxes get it: both
 * people of a direct chat; every member of a group (the sender's own devices included), from the
 * membership cache. A group's system message first reloads the group from the store: it is the
 * change it announces, so it and every later message of the group go by the new member list,
 * whatever the event bus has delivered. A removal or a leave also reaches the user it removed, so
 * their devices learn of it.
 */
public final class Recipients {
  private final MembershipCache groups;

  public Recipients(MembershipCache groups) {
    this.groups = groups;
  }

  /** The participants of a conversation now: both people of a direct chat, a group's members. */
  public Future<List<String>> ofConversation(String conversationId) {
    ConversationId conversation = ConversationId.parse(conversationId);
    return conversation.isDirect() ? Future.succeededFuture(conversation.directParticipants())
        : groups.get(conversation.groupId()).map(found -> found.map(Group::memberIds).orElse(List.of()));
  }

  public Future<List<String>> of(Message message) {
    ConversationId conversation = ConversationId.parse(message.conversationId());
    if (conversation.isDirect()) {
      return Future.succeededFuture(conversation.directParticipants());
    }
    boolean system = SystemEvents.KIND.equals(message.kind());
    Future<java.util.Optional<Group>> group = system ? groups.reload(conversation.groupId())
        : groups.get(conversation.groupId());
    return group.map(found -> {
      List<String> users = new ArrayList<>(found.map(Group::memberIds).orElse(List.of()));
      if (system) {
        String removed = SystemEvents.removedUser(new JsonObject(message.body()));
        if (removed != null && !users.contains(removed)) {
          users.add(removed);
        }
      }
      return users;
    });
  }
}
