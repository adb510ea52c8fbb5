package chat.verticles;

import chat.Addresses;
import chat.groups.MembershipCache;
import chat.ids.Snowflake;
import chat.pipeline.MessagePipeline;
import chat.protocol.ChatException;
import chat.protocol.ConversationId;
import chat.protocol.ErrorCode;
import chat.store.MessageStore;
import chat.store.Receipt;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks each client receipt (the reader takes part in the conversation, {@code upTo} is one of its
 * messages) and hands it to the {@link MessagePipeline}, which applies it in order with the
 * conversation's messages. A burst is coalesced: while one receipt of a (reader, conversation,
 * status) is on its way, later ones wait as one, the highest, so a client catching up on a thousand
 * messages causes two announcements, not a thousand. One instance per node.
 */
public final class ReceiptVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ReceiptVerticle.class);

  private final MessageStore messages;
  private final MembershipCache groups;
  private final MessagePipeline pipeline;
  private final Snowflake ids;
  /** Keys with a receipt on its way, and the highest receipt waiting behind each. */
  private final Set<String> inFlight = new HashSet<>();
  private final Map<String, Receipt> waiting = new HashMap<>();

  public ReceiptVerticle(MessageStore messages, MembershipCache groups, MessagePipeline pipeline, Snowflake ids) {
    this.messages = messages;
    this.groups = groups;
    this.pipeline = pipeline;
    this.ids = ids;
  }

  @Override
  public Future<?> start() {
    return vertx.eventBus().<JsonObject>localConsumer(Addresses.RECEIPT_REQUESTS, this::handle).completion();
  }

  private void handle(Message<JsonObject> request) {
    JsonObject body = request.body();
    String userId = body.getString("userId");
    String conversationId = body.getString("conversation");
    Receipt.Status status = Receipt.Status.fromWire(body.getString("status"));
    long upTo = body.getLong("upTo");
    check(userId, conversationId, upTo)
        .onSuccess(v -> {
          request.reply(null);
          enqueue(new Receipt(conversationId, userId, status, upTo, 0));
        })
        .onFailure(e -> {
          ErrorCode code = e instanceof ChatException ce ? ce.code : ErrorCode.INTERNAL;
          if (code == ErrorCode.INTERNAL) {
            LOG.error("checking a receipt failed", e);
          }
          request.fail(code.ordinal(), code == ErrorCode.INTERNAL ? "receipt failed" : e.getMessage());
        });
  }

  /** The reader takes part in the conversation and {@code upTo} is one of its messages. */
  private Future<Void> check(String userId, String conversationId, long upTo) {
    try {
      ConversationId conversation = ConversationId.parse(conversationId);
      Future<?> member = conversation.isDirect()
          ? Future.succeededFuture(conversation.requireParticipant(userId))
          : groups.requireMember(conversation.groupId(), userId);
      return member.compose(v -> messages.find(conversation.value(), upTo)).compose(found -> found.isPresent()
          ? Future.<Void>succeededFuture()
          : Future.failedFuture(new ChatException(ErrorCode.BAD_REQUEST, "upTo is not a message of this conversation")));
    } catch (ChatException e) {
      return Future.failedFuture(e);
    }
  }

  private void enqueue(Receipt receipt) {
    String key = receipt.userId() + " " + receipt.conversationId() + " " + receipt.status();
    if (!inFlight.add(key)) {
      waiting.merge(key, receipt, (a, b) -> a.upTo() >= b.upTo() ? a : b);
      return;
    }
    Receipt numbered = new Receipt(receipt.conversationId(), receipt.userId(), receipt.status(), receipt.upTo(),
        ids.next());
    pipeline.submitReceipt(numbered).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("a receipt could not be applied; the reader's next receipt carries it", ar.cause());
      }
      inFlight.remove(key);
      Receipt next = waiting.remove(key);
      if (next != null) {
        enqueue(next);
      }
    });
  }
}
