package chat.gateway;

import chat.groups.MembershipCache;
import chat.protocol.ChatException;
import chat.protocol.ConversationId;
import chat.protocol.ErrorCode;
import chat.protocol.MsgIds;
import chat.store.Message;
import chat.store.MessageStore;
import io.vertx.core.Future;
import java.util.List;

/**
 * One page of a conversation's history for a participant: the same rules for REST and for
 * sockets. A group member reads the group's messages from the one that announced their joining on;
 * a former member reads nothing (forbidden).
 */
final class HistoryPages {
  static final int DEFAULT_LIMIT = 50;
  private final MessageStore messages;
  private final MembershipCache groups;
  private final int maxLimit;

  HistoryPages(MessageStore messages, MembershipCache groups, int maxLimit) {
    this.messages = messages;
    this.groups = groups;
    this.maxLimit = maxLimit;
  }

  Future<List<Message>> read(String userId, String conversationId, String before, Long limit) {
    try {
      ConversationId conversation = ConversationId.parse(conversationId);
      if (conversation.isDirect()) {
        conversation.requireParticipant(userId);
      }
      long pageSize = limit == null ? DEFAULT_LIMIT : limit;
      if (pageSize < 1 || pageSize > maxLimit) {
        throw new ChatException(ErrorCode.BAD_REQUEST, "limit must be 1 to " + maxLimit);
      }
      Long beforeMsgId = before == null ? null : MsgIds.parse(before, "before");
      if (conversation.isDirect()) {
        return messages.page(conversation.value(), beforeMsgId, (int) pageSize);
      }
      return groups.requireMember(conversation.groupId(), userId).compose(group -> {
        long joined = group.member(userId).orElseThrow().joinedMsgId();
        // Newest first: the rows before the joining are the tail of the page, and every later page's.
        return messages.page(conversation.value(), beforeMsgId, (int) pageSize)
            .map(page -> page.stream().filter(m -> m.msgId() >= joined).toList());
      });
    } catch (ChatException e) {
      return Future.failedFuture(e);
    }
  }
}
