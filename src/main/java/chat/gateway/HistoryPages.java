package chat.gateway;

import chat.protocol.ChatException;
import chat.protocol.ConversationId;
import chat.protocol.ErrorCode;
import chat.store.Message;
import chat.store.MessageStore;
import io.vertx.core.Future;
import java.util.List;

/** One page of a conversation's history for a participant: the same rules for REST and for sockets. */
final class HistoryPages {
  static final int DEFAULT_LIMIT = 50;
  private final MessageStore messages;
  private final int maxLimit;

  HistoryPages(MessageStore messages, int maxLimit) {
    this.messages = messages;
    this.maxLimit = maxLimit;
  }

  Future<List<Message>> read(String userId, String conversationId, String before, Long limit) {
    try {
      ConversationId conversation = ConversationId.parse(conversationId).requireParticipant(userId);
      long pageSize = limit == null ? DEFAULT_LIMIT : limit;
      if (pageSize < 1 || pageSize > maxLimit) {
        throw new ChatException(ErrorCode.BAD_REQUEST, "limit must be 1 to " + maxLimit);
      }
      return messages.page(conversation.value(), before == null ? null : parseMsgId(before), (int) pageSize);
    } catch (ChatException e) {
      return Future.failedFuture(e);
    }
  }

  private static long parseMsgId(String value) {
    try {
      long id = Long.parseLong(value);
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw new ChatException(ErrorCode.BAD_REQUEST, "before must be a msgId");
  }
}
