package chat.gateway;

import chat.Addresses;
import chat.auth.AuthService;
import chat.auth.Principal;
import chat.delivery.SessionDirectory;
import chat.limits.RateLimits;
import chat.media.MediaMessages;
import chat.protocol.ChatException;
import chat.protocol.ConversationId;
import chat.protocol.ErrorCode;
import chat.protocol.Frames;
import chat.protocol.MsgIds;
import chat.protocol.SendAck;
import chat.protocol.SendCommand;
import chat.store.InboxEvent;
import chat.store.InboxStore;
import chat.store.Message;
import chat.store.Receipt;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection speaking the JSON frames of wire contract v1, over any {@link Transport}.
 * It authenticates first (a token presented at the upgrade, or an {@code auth} frame within the
 * auth timeout), then serves send, sync, history and ping, and receives live inbox events.
 * Runs on its gateway instance's event loop.
 */
final class Session {
  private static final Logger LOG = LoggerFactory.getLogger(Session.class);
  static final int CLOSE_UNAUTHORIZED = 4401;
  static final int CLOSE_TOO_SLOW = 1013;
  static final int CLOSE_SILENT = 4408;
  /** A typing start stands for this long without a new start; then the others are told it stopped. */
  static final long TYPING_EXPIRY_MS = 6_000;

  /** Frames a client may send after its auth frame but before ready; they are served after ready. */
  private static final int EARLY_FRAMES_MAX = 32;
  /** Users one presence.subscribe frame may name. */
  private static final int PRESENCE_WATCH_MAX = 200;

  private enum State { AWAITING_AUTH, AUTHENTICATING, READY, CLOSED }

  /** What every session of one gateway instance shares. */
  record Services(Vertx vertx, AuthService auth, InboxStore inbox, HistoryPages history, SessionRegistry registry,
                  SessionDirectory directory, RateLimits limits, Clock clock, GatewaySettings settings) {
  }

  private final String id;
  private final Transport transport;
  private final Services services;
  private State state = State.AWAITING_AUTH;
  private Principal principal;
  private long authTimer;
  /** Live events that arrive while {@code ready} is being prepared; flushed right after it. */
  private List<String> heldBack = new ArrayList<>();
  /** Client frames that arrive while the token is being checked; served right after ready. */
  private List<String> early = new ArrayList<>();
  /** When the client last showed a sign of life (ms, the services' clock). */
  private long lastSignOfLife;
  /** Users this session watches the presence of. */
  private final Set<String> watching = new HashSet<>();
  /** Conversation → the timer that ends this session's typing there. */
  private final Map<String, Long> typing = new HashMap<>();

  Session(String id, Transport transport, Services services) {
    this.id = id;
    this.transport = transport;
    this.services = services;
  }

  String id() {
    return id;
  }

  String userId() {
    return principal.userId();
  }

  /** Starts the auth clock; {@code presentedToken} is a token from the upgrade request, if any. */
  void start(String presentedToken) {
    lastSignOfLife = services.clock().millis();
    authTimer = services.vertx().setTimer(services.settings().authTimeoutMs(), t -> {
      if (state == State.AWAITING_AUTH || state == State.AUTHENTICATING) {
        reject("no auth frame within " + services.settings().authTimeoutMs() + " ms");
      }
    });
    if (presentedToken != null) {
      authenticate(presentedToken);
    }
  }

  void onText(String text) {
    if (state == State.CLOSED) {
      return;
    }
    lastSignOfLife = services.clock().millis();
    if (state == State.AUTHENTICATING) {
      if (early.size() < EARLY_FRAMES_MAX) {
        early.add(text);
      } else {
        error(ErrorCode.RATE_LIMITED, "wait for ready before sending more frames", null);
      }
      return;
    }
    if (exceedsFrameLimit(text)) {
      error(ErrorCode.TOO_LARGE, "frames are limited to " + services.settings().maxFrameBytes() + " bytes", null);
      return;
    }
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      error(ErrorCode.BAD_REQUEST, "a frame must be a JSON object", null);
      return;
    }
    String ref = frame.getValue("id") instanceof String s ? s : null;
    try {
      dispatch(frame, ref);
    } catch (ChatException e) {
      error(e.code, e.getMessage(), ref);
    }
  }

  /** A sign of life below the JSON frames (a WebSocket ping, for instance): the session is alive. */
  void signOfLife() {
    lastSignOfLife = services.clock().millis();
  }

  void onBinary() {
    lastSignOfLife = services.clock().millis();
    if (state != State.CLOSED) {
      error(ErrorCode.BAD_REQUEST, "frames must be JSON text, not binary", null);
    }
  }

  private boolean exceedsFrameLimit(String text) {
    int max = services.settings().maxFrameBytes();
    return text.length() > max / 3 && text.getBytes(StandardCharsets.UTF_8).length > max;
  }

  private void dispatch(JsonObject frame, String ref) {
    String type = string(frame, "type", true);
    if (state == State.AWAITING_AUTH) {
      if (!"auth".equals(type)) {
        reject("the first frame must be auth");
        return;
      }
      authenticate(string(frame, "token", true));
      return;
    }
    switch (type) {
      case "send" -> send(frame, ref);
      case "sync" -> sync(frame);
      case "history" -> history(frame, ref);
      case "receipt" -> receipt(frame, ref);
      case "typing" -> typing(frame);
      case "presence.subscribe" -> subscribe(frame, ref);
      case "ping" -> transport.send("{\"type\":\"pong\"}");
      case "auth" -> throw new ChatException(ErrorCode.BAD_REQUEST, "already authenticated");
      default -> throw new ChatException(ErrorCode.BAD_REQUEST, "unknown frame type");
    }
  }

  private void authenticate(String token) {
    state = State.AUTHENTICATING;
    services.auth().authenticate(token)
        .compose(who -> {
          if (state != State.AUTHENTICATING) {
            return Future.failedFuture(new IllegalStateException("session left authentication"));
          }
          principal = who;
          services.registry().add(this); // from here live events are held back until ready is sent
          // Listed in the directory before reading the newest seq: any event stored later is
          // pushed live, and any event stored earlier is at or below the seq that ready announces.
          return services.directory().sessionOpened(who.userId())
              .compose(v -> services.inbox().latestSeq(who.userId()));
        })
        .onSuccess(seq -> {
          if (state != State.AUTHENTICATING) {
            return;
          }
          services.vertx().cancelTimer(authTimer);
          state = State.READY;
          transport.send(new JsonObject().put("type", "ready").put("userId", principal.userId())
              .put("deviceId", principal.deviceId()).put("seq", seq).encode());
          List<String> held = heldBack;
          heldBack = null;
          held.forEach(this::push);
          List<String> waiting = early;
          early = null;
          waiting.forEach(this::onText);
          checkPresence();
        })
        .onFailure(e -> {
          if (e instanceof ChatException ce && ce.code == ErrorCode.UNAUTHORIZED) {
            reject(e.getMessage());
          } else if (state == State.AUTHENTICATING) {
            LOG.error("session setup failed", e);
            error(ErrorCode.INTERNAL, "could not start the session", null);
            close(1011, "internal error");
          }
        });
  }

  private void reject(String why) {
    error(ErrorCode.UNAUTHORIZED, why, null);
    close(CLOSE_UNAUTHORIZED, "unauthorized");
  }

  private void send(JsonObject frame, String ref) {
    if (ref == null) {
      throw new ChatException(ErrorCode.BAD_REQUEST, "send needs a string id");
    }
    SendCommand command = new SendCommand(principal.userId(), principal.deviceId(), id, ref,
        string(frame, "to", false), string(frame, "conversation", false), string(frame, "kind", true),
        string(frame, "body", false), MediaMessages.mediaIdOf(frame));
    services.vertx().eventBus()
        .<SendAck>request(Addresses.SEND_REQUESTS, command,
            new DeliveryOptions().setSendTimeout(services.settings().sendTimeoutMs()))
        .onSuccess(reply -> {
          SendAck ack = reply.body();
          JsonObject answer = new JsonObject().put("type", "ack").put("id", ref).put("msgId", Long.toString(ack.msgId()))
              .put("conversation", ack.conversationId()).put("ts", ack.ts());
          if (ack.senderSeq() > 0) {
            answer.put("seq", ack.senderSeq()); // known at ack time on the embedded engine only
          }
          transport.send(answer.encode());
        })
        .onFailure(e -> replyFailed(e, ref, "not stored in time; retry with the same id"));
  }

  /** A request to a node-local verticle failed: its error, or {@code internal} when it did not answer. */
  private void replyFailed(Throwable e, String ref, String whenUnanswered) {
    if (e instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      error(ErrorCode.fromFailureCode(re.failureCode()), re.getMessage(), ref);
    } else {
      error(ErrorCode.INTERNAL, whenUnanswered, ref);
    }
  }

  /** Passes a typing state on; a start lasts {@link #TYPING_EXPIRY_MS} unless renewed. Over the rate limit: dropped. */
  private void typing(JsonObject frame) {
    String conversation = string(frame, "conversation", true);
    String state = string(frame, "state", true);
    if (!"start".equals(state) && !"stop".equals(state)) {
      throw new ChatException(ErrorCode.BAD_REQUEST, "state must be start or stop");
    }
    ConversationId.parse(conversation);
    if (!services.limits().typingPerUser.tryAcquire(principal.userId())) {
      return;
    }
    Long expiry = typing.remove(conversation);
    if (expiry != null) {
      services.vertx().cancelTimer(expiry);
    }
    if ("start".equals(state)) {
      typing.put(conversation, services.vertx().setTimer(TYPING_EXPIRY_MS, t -> {
        typing.remove(conversation);
        passTyping(conversation, "stop");
      }));
    }
    passTyping(conversation, state);
  }

  private void passTyping(String conversation, String state) {
    services.vertx().eventBus().send(Addresses.TYPING_REQUESTS, new JsonObject().put("userId", principal.userId())
        .put("conversation", conversation).put("state", state));
  }

  /** Answers the watched users' presence now; transitions follow as they happen, until the socket closes. */
  private void subscribe(JsonObject frame, String ref) {
    if (!(frame.getValue("users") instanceof JsonArray users) || users.isEmpty() || users.size() > PRESENCE_WATCH_MAX
        || !users.stream().allMatch(u -> u instanceof String s && !s.isEmpty() && s.length() <= 64)) {
      throw new ChatException(ErrorCode.BAD_REQUEST, "users must be 1 to " + PRESENCE_WATCH_MAX + " user ids");
    }
    services.vertx().eventBus()
        .<JsonObject>request(Addresses.PRESENCE_REQUESTS, new JsonObject().put("subscriber", principal.userId())
            .put("users", users))
        .onSuccess(reply -> {
          if (state == State.CLOSED) {
            return;
          }
          JsonArray forbidden = reply.body().getJsonArray("forbidden");
          if (!forbidden.isEmpty()) {
            transport.send(Frames.error(ErrorCode.FORBIDDEN, "you share no conversation with "
                + String.join(", ", forbidden.stream().map(String.class::cast).toList()), ref).encode());
          }
          for (Object presence : reply.body().getJsonArray("presences")) {
            String user = ((JsonObject) presence).getString("user");
            if (watching.add(user)) {
              services.registry().watch(user, this);
            }
            transport.send(((JsonObject) presence).encode());
          }
        })
        .onFailure(e -> internal("presence", e, ref));
  }

  /** Closes a session that has shown no sign of life for the heartbeat timeout (the sweep calls this). */
  void closeIfSilent(long now) {
    if (state == State.READY && now - lastSignOfLife > services.settings().heartbeatTimeoutMs()) {
      close(CLOSE_SILENT, "no sign of life within the heartbeat timeout");
    }
  }

  private void checkPresence() {
    services.vertx().eventBus().send(Addresses.PRESENCE_CHECKS, new JsonObject().put("userId", principal.userId()));
  }

  /** A delivered or read watermark; answered only when it is refused. */
  private void receipt(JsonObject frame, String ref) {
    String conversation = string(frame, "conversation", true);
    Receipt.Status status = Receipt.Status.fromWire(string(frame, "status", true));
    if (status == null) {
      throw new ChatException(ErrorCode.BAD_REQUEST, "status must be delivered or read");
    }
    long upTo = MsgIds.parse(string(frame, "upTo", true), "upTo");
    services.vertx().eventBus()
        .<Void>request(Addresses.RECEIPT_REQUESTS, new JsonObject().put("userId", principal.userId())
                .put("conversation", conversation).put("status", status.wire()).put("upTo", upTo),
            new DeliveryOptions().setSendTimeout(services.settings().sendTimeoutMs()))
        .onFailure(e -> replyFailed(e, ref, "receipt not taken in time; send it again"));
  }

  private void sync(JsonObject frame) {
    long since = number(frame, "since", 0);
    int max = services.settings().syncPageMax();
    long limit = number(frame, "limit", max);
    if (since < 0 || limit < 1 || limit > max) {
      throw new ChatException(ErrorCode.BAD_REQUEST, "since must be >= 0 and limit 1 to " + max);
    }
    services.inbox().after(principal.userId(), since, (int) limit + 1)
        .onSuccess(events -> {
          boolean more = events.size() > limit;
          long last = since;
          for (int i = 0; i < Math.min(events.size(), limit); i++) {
            InboxEvent event = events.get(i);
            transport.send(Frames.withSeq(event.payload(), event.seq()));
            last = event.seq();
          }
          transport.send(new JsonObject().put("type", "synced").put("seq", last).put("more", more).encode());
        })
        .onFailure(e -> internal("sync", e, null));
  }

  private void history(JsonObject frame, String ref) {
    String conversation = string(frame, "conversation", true);
    services.history().read(principal.userId(), conversation, string(frame, "before", false),
            number(frame, "limit", HistoryPages.DEFAULT_LIMIT))
        .onSuccess(page -> {
          JsonArray messages = new JsonArray();
          page.stream().map(Frames::message).forEach(messages::add);
          JsonObject answer = new JsonObject().put("type", "history").put("conversation", conversation)
              .put("messages", messages);
          if (ref != null) {
            answer.put("id", ref);
          }
          transport.send(answer.encode());
        })
        .onFailure(e -> {
          if (e instanceof ChatException ce) {
            error(ce.code, ce.getMessage(), ref);
          } else {
            internal("history", e, ref);
          }
        });
  }

  /** A durable inbox event for this user, pushed live. A client that cannot keep up is closed: it will sync. */
  void push(String frame) {
    if (state == State.CLOSED) {
      return;
    }
    if (heldBack != null) {
      heldBack.add(frame);
      return;
    }
    try {
      if (transport.writeQueueFull()) {
        close(CLOSE_TOO_SLOW, "client too slow; reconnect and sync");
        return;
      }
      transport.send(frame);
    } catch (IllegalStateException connectionGone) {
      onClosed(); // the peer vanished without a close; the event stays in the inbox for sync
    }
  }

  private void error(ErrorCode code, String message, String ref) {
    transport.send(Frames.error(code, message, ref).encode());
  }

  private void internal(String what, Throwable e, String ref) {
    LOG.error("{} failed", what, e);
    error(ErrorCode.INTERNAL, what + " failed", ref);
  }

  private void close(int code, String reason) {
    if (state != State.CLOSED) {
      transport.close(code, reason);
      onClosed();
    }
  }

  /** The connection is gone (closed by either side). */
  void onClosed() {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    services.vertx().cancelTimer(authTimer);
    if (principal != null) {
      services.registry().remove(this);
      watching.forEach(user -> services.registry().unwatch(user, this));
      typing.forEach((conversation, timer) -> {
        services.vertx().cancelTimer(timer);
        passTyping(conversation, "stop");
      });
      services.directory().sessionClosed(principal.userId()).onComplete(v -> checkPresence());
    }
  }

  private static String string(JsonObject frame, String field, boolean required) {
    Object value = frame.getValue(field);
    if (value == null && !required) {
      return null;
    }
    if (value instanceof String s) {
      return s;
    }
    throw new ChatException(ErrorCode.BAD_REQUEST, field + (value == null ? " is required" : " must be a string"));
  }

  private static long number(JsonObject frame, String field, long fallback) {
    Object value = frame.getValue(field);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Number n && n.doubleValue() == Math.floor(n.doubleValue())) {
      return n.longValue();
    }
    throw new ChatException(ErrorCode.BAD_REQUEST, field + " must be an integer");
  }
}
