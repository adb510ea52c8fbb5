package chat.verticles;

import chat.Addresses;
import chat.async.OrderedSteps;
import chat.groups.MembershipCache;
import chat.ids.Snowflake;
import chat.limits.RateLimits;
import chat.media.MediaMessages;
import chat.pipeline.ClaimedPipeline;
import chat.pipeline.ClaimingPipeline;
import chat.pipeline.MessagePipeline;
import chat.protocol.ChatException;
import chat.protocol.ConversationId;
import chat.protocol.ErrorCode;
import chat.protocol.SendAck;
import chat.protocol.SendCommand;
import chat.store.Message;
import chat.store.Stores;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates and routes each message: resolves its conversation, checks the sender may write to
 * it, gives it a msgId (once per client id) and hands it to the {@link MessagePipeline}, which
 * takes it into history and every participant's inbox; the gateway gets the ack once the
 * pipeline says the message can no longer be lost.
 *
 * <p>Order: commands are admitted strictly in arrival order (a later command never overtakes an
 * earlier one whose checks wait on a store read), and both pipelines keep submission order per
 * conversation (the embedded store's single writer; Kafka's partition per conversation), so msgId
 * order, history order and every inbox's seq order agree within a conversation. Deploy exactly
 * one instance per node; it serves that node's gateways only.
 */
public final class RouterVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RouterVerticle.class);
  private static final int KNOWN_USERS_MAX = 100_000;

  /** The {@code messages} config section, parsed once. */
  record Settings(int maxBodyChars, int maxClientIdChars) {
    static Settings from(JsonObject messages) {
      return new Settings(messages.getInteger("maxBodyChars", 16_000), messages.getInteger("maxClientIdChars", 64));
    }
  }

  private final Stores stores;
  private final MembershipCache groups;
  private final MessagePipeline pipeline;
  private final Snowflake ids;
  private final RateLimits limits;
  private final MediaMessages media;
  /** User ids known to exist; accounts are never deleted, so a hit needs no store read. */
  private final Map<String, Boolean> knownUsers = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > KNOWN_USERS_MAX;
    }
  };
  private Settings settings;
  /** Each command's checks, then its msgId and claim issued; the next command's checks wait for them. */
  private final OrderedSteps admission = new OrderedSteps();
  /** Each command's entry into the pipeline (or its failure before it); the next one waits for it. */
  private final OrderedSteps submission = new OrderedSteps();

  public RouterVerticle(Stores stores, MembershipCache groups, MessagePipeline pipeline, Snowflake ids,
                        RateLimits limits) {
    if (!(pipeline instanceof ClaimingPipeline) && !(pipeline instanceof ClaimedPipeline)) {
      throw new IllegalArgumentException("the pipeline takes no sent messages: " + pipeline.getClass().getName());
    }
    this.stores = stores;
    this.groups = groups;
    this.pipeline = pipeline;
    this.ids = ids;
    this.limits = limits;
    this.media = new MediaMessages(stores.media());
  }

  @Override
  public Future<?> start() {
    settings = Settings.from(config().getJsonObject("messages", new JsonObject()));
    return vertx.eventBus().<SendCommand>localConsumer(Addresses.SEND_REQUESTS, request -> route(request.body())
        .onSuccess(request::reply)
        .onFailure(e -> {
          ErrorCode code = e instanceof ChatException ce ? ce.code : ErrorCode.INTERNAL;
          if (code == ErrorCode.INTERNAL) {
            LOG.error("routing a message failed", e);
          }
          request.fail(code.ordinal(), code == ErrorCode.INTERNAL ? "message could not be stored" : e.getMessage());
        })).completion();
  }

  private Future<SendAck> route(SendCommand command) {
    Promise<SendAck> acked = Promise.promise();
    // the step ends once the message is handed on (msgId minted, claim queued), not once it is stored
    admission.submit(() -> checkRecipient(command).map(conversation -> {
      store(command, conversation).onComplete(acked);
      return null;
    })).onFailure(acked::tryFail);
    return acked.future();
  }

  /**
   * Validates the command and resolves its conversation; the only store reads are for an unseen
   * peer and for a group missing from the membership cache.
   */
  private Future<ConversationId> checkRecipient(SendCommand command) {
    try {
      ConversationId conversation = resolve(command);
      if (!limits.sendPerUser.tryAcquire(command.senderId())) {
        throw new ChatException(ErrorCode.RATE_LIMITED, "sending too fast, slow down");
      }
      if (!conversation.isDirect()) {
        return groups.requireMember(conversation.groupId(), command.senderId()).map(conversation);
      }
      String peer = conversation.peerOf(command.senderId());
      if (knownUsers.get(peer) != null) {
        return Future.succeededFuture(conversation);
      }
      return stores.accounts().byId(peer).map(account -> {
        if (account.isEmpty()) {
          throw new ChatException(ErrorCode.NOT_FOUND, "no such user");
        }
        knownUsers.put(peer, Boolean.TRUE);
        return conversation;
      });
    } catch (ChatException e) {
      return Future.failedFuture(e);
    }
  }

  private ConversationId resolve(SendCommand command) {
    MediaMessages.checkShape(command, settings.maxBodyChars());
    if (command.clientId() == null || command.clientId().isEmpty()
        || command.clientId().length() > settings.maxClientIdChars()) {
      throw new ChatException(ErrorCode.BAD_REQUEST, "id must be 1 to " + settings.maxClientIdChars() + " characters");
    }
    if ((command.to() == null) == (command.conversation() == null)) {
      throw new ChatException(ErrorCode.BAD_REQUEST, "give exactly one of to and conversation");
    }
    if (command.to() != null) {
      if (command.to().equals(command.senderId()) || command.to().length() > 64) {
        throw new ChatException(ErrorCode.BAD_REQUEST, "to must be another user's id");
      }
      return ConversationId.direct(command.senderId(), command.to());
    }
    ConversationId conversation = ConversationId.parse(command.conversation());
    return conversation.isDirect() ? conversation.requireParticipant(command.senderId()) : conversation;
  }

  private Future<SendAck> store(SendCommand command, ConversationId conversation) {
    // The key is scoped to the conversation: an id reused for another conversation is another message.
    String key = conversation.value() + " " + command.clientId();
    long candidateMsgId = ids.next(); // minted now, in admission order, even when a media lookup comes first
    Future<String> body = media.storedBody(command, conversation);
    Promise<SendAck> acked = Promise.promise();
    if (pipeline instanceof ClaimingPipeline claiming) {
      // The claim is part of the message's one durable write, issued in admission order.
      submission.submit(() -> body.map(b -> {
        claiming.claimAndSubmit(message(command, conversation, candidateMsgId, b), key, command.sessionId())
            .onComplete(acked);
        return null;
      })).onFailure(acked::tryFail);
      return acked.future();
    }
    Future<Long> claim = body.compose(b -> stores.idempotency().claim(command.senderId(), key, candidateMsgId));
    // Claims may complete out of order (Cassandra answers concurrently); messages still enter the
    // pipeline in admission order, so each conversation keeps one order.
    submission.submit(() -> claim.map(msgId -> {
      Message message = message(command, conversation, msgId, body.result());
      ((ClaimedPipeline) pipeline).submit(message, command.sessionId())
          .map(senderSeq -> SendAck.of(message, senderSeq))
          .onComplete(acked);
      return null;
    })).onFailure(acked::tryFail);
    return acked.future();
  }

  private static Message message(SendCommand command, ConversationId conversation, long msgId, String body) {
    return new Message(msgId, conversation.value(), command.senderId(), command.deviceId(), command.clientId(),
        command.kind(), body, Snowflake.timestampOf(msgId));
  }

}
