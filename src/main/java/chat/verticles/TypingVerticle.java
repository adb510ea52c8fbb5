package chat.verticles;

import chat.Addresses;
import chat.delivery.SessionDirectory;
import chat.groups.MembershipCache;
import chat.groups.Recipients;
import chat.protocol.ChatException;
import chat.protocol.ConversationId;
import chat.protocol.Delivery;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

/**
 * Passes typing frames to the other participants' live sessions: not stored, no seq, nothing for
 * offline users. The sender must take part in the conversation; frames that fail any check are
 * dropped silently (typing is a hint, never worth an error). One instance per node.
 */
public final class TypingVerticle extends VerticleBase {
  private final SessionDirectory directory;
  private final MembershipCache groups;
  private final Recipients recipients;

  public TypingVerticle(SessionDirectory directory, MembershipCache groups) {
    this.directory = directory;
    this.groups = groups;
    this.recipients = new Recipients(groups);
  }

  @Override
  public Future<?> start() {
    return vertx.eventBus().<JsonObject>localConsumer(Addresses.TYPING_REQUESTS, m -> pass(m.body())).completion();
  }

  private void pass(JsonObject typing) {
    String from = typing.getString("userId");
    ConversationId conversation = ConversationId.parse(typing.getString("conversation"));
    Future<?> allowed;
    try {
      allowed = conversation.isDirect() ? Future.succeededFuture(conversation.requireParticipant(from))
          : groups.requireMember(conversation.groupId(), from);
    } catch (ChatException notAParticipant) {
      return;
    }
    String frame = new JsonObject().put("type", "typing").put("conversation", conversation.value()).put("from", from)
        .put("state", typing.getString("state")).encode();
    allowed.compose(v -> recipients.ofConversation(conversation.value())).onSuccess(users -> {
      for (String user : users) {
        if (!user.equals(from)) {
          directory.nodesOf(user).onSuccess(nodes -> nodes.forEach(node ->
              vertx.eventBus().publish(Addresses.deliveriesFor(node), new Delivery(user, 0, frame, null))));
        }
      }
    });
  }
}
