package chat.groups;

import chat.protocol.ConversationId;
import chat.store.Group;
import io.vertx.core.Future;
import java.util.List;

/**
 * The fan-out's expansion of a sent message to the users whose history lists and inboxes get it:
 * both people of a direct chat; every member of a group (the sender's own devices included), from
 * the membership cache. A group's system message names its own recipients, fixed when its change
 * was stored ({@link SystemEvents#recipients}); meeting one also reloads the group from the store,
 * so later messages of the group go by the new member list whatever the event bus has delivered.
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

  /**
   * A group's system message, met by the fan-out of a node that may not have heard of its change:
   * the cache catches up with the store before the group's next message, and the message goes to
   * the recipients it carries.
   */
  public Future<List<String>> ofAnnouncement(String conversationId, List<String> recipients) {
    return groups.reload(ConversationId.parse(conversationId).groupId()).map(recipients);
  }
}
