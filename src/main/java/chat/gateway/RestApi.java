package chat.gateway;

import chat.auth.AuthService;
import chat.auth.Principal;
import chat.groups.GroupService;
import chat.groups.MembershipCache;
import chat.protocol.ConversationId;
import chat.protocol.ChatException;
import chat.protocol.ErrorCode;
import chat.protocol.Frames;
import chat.store.ConversationSummary;
import chat.store.Group;
import chat.store.ReceiptStore;
import chat.store.Stores;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST side of wire contract v1: accounts and tokens, conversations, history, groups, health.
 * Every error is {@code {"error":{"code","message"}}} with the code's HTTP status.
 */
final class RestApi {
  private static final Logger LOG = LoggerFactory.getLogger(RestApi.class);
  private static final int CONVERSATION_LIST_MAX = 200;

  private final AuthService auth;
  private final Stores stores;
  private final HistoryPages history;
  private final GroupService groups;
  private final MembershipCache groupCache;
  private final GatewaySettings settings;

  RestApi(AuthService auth, Stores stores, HistoryPages history, GroupService groups, MembershipCache groupCache,
          GatewaySettings settings) {
    this.auth = auth;
    this.stores = stores;
    this.history = history;
    this.groups = groups;
    this.groupCache = groupCache;
    this.settings = settings;
  }

  void mount(Router router) {
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(settings.maxRequestBodyBytes()));
    router.post("/api/v1/auth/register").handler(ctx -> reply(ctx, 201, body(ctx).compose(json ->
        auth.register(json.getString("username"), json.getString("password"), json.getString("displayName"),
            ctx.request().remoteAddress().hostAddress())
            .map(account -> new JsonObject().put("userId", account.userId()).put("username", account.username())))));
    router.post("/api/v1/auth/login").handler(ctx -> reply(ctx, 200, body(ctx).compose(json ->
        auth.login(json.getString("username"), json.getString("password"), json.getString("deviceId"))
            .map(tokens -> tokens.toJson()))));
    router.post("/api/v1/auth/refresh").handler(ctx -> reply(ctx, 200, body(ctx).compose(json ->
        auth.refresh(json.getString("refreshToken")).map(tokens -> tokens.toJson()))));
    router.post("/api/v1/auth/logout").handler(ctx -> reply(ctx, 204, body(ctx).compose(json ->
        auth.logout(json.getString("refreshToken")).map(v -> null))));
    router.get("/api/v1/conversations").handler(ctx -> reply(ctx, 200, caller(ctx).compose(who ->
        stores.messages().conversations(who.userId(), CONVERSATION_LIST_MAX)
            .compose(list -> conversationList(who.userId(), list)))));
    router.get("/api/v1/conversations/:id/messages").handler(ctx -> reply(ctx, 200, caller(ctx).compose(who ->
        history.read(who.userId(), ctx.pathParam("id"), ctx.queryParams().get("before"), limit(ctx))
            .map(page -> new JsonObject().put("messages", new JsonArray(page.stream().map(Frames::message).toList()))))));
    router.get("/api/v1/conversations/:id/receipts").handler(ctx -> reply(ctx, 200, caller(ctx).compose(who ->
        receipts(who.userId(), ctx.pathParam("id")))));
    router.patch("/api/v1/me").handler(ctx -> reply(ctx, 200, caller(ctx).compose(who -> body(ctx).compose(json -> {
      if (!(json.getValue("showLastSeen") instanceof Boolean show)) {
        return Future.failedFuture(new ChatException(ErrorCode.BAD_REQUEST, "showLastSeen must be true or false"));
      }
      return stores.presence().setShowLastSeen(who.userId(), show).map(v -> new JsonObject().put("showLastSeen", show));
    }))));
    mountGroups(router);
    router.get("/health").handler(ctx -> reply(ctx, 200, Future.succeededFuture(new JsonObject().put("status", "up"))));
    router.get("/ready").handler(ctx -> reply(ctx, 200, stores.ping()
        .map(v -> new JsonObject().put("status", "ready"))
        .recover(e -> Future.failedFuture(new ChatException(ErrorCode.UNAVAILABLE, "a store does not answer")))));
    for (int status : new int[] {404, 405, 413}) {
      ErrorCode code = switch (status) {
        case 404 -> ErrorCode.NOT_FOUND;
        case 413 -> ErrorCode.TOO_LARGE;
        default -> ErrorCode.BAD_REQUEST;
      };
      router.errorHandler(status, ctx -> fail(ctx, status, code, status == 405 ? "method not allowed" : code.wire));
    }
    router.errorHandler(500, ctx -> {
      LOG.error("unhandled failure on {}", ctx.request().path(), ctx.failure());
      fail(ctx, 500, ErrorCode.INTERNAL, "internal error");
    });
  }

  /** Every participant's watermarks (msgIds as strings, null where none), for a participant. */
  private Future<JsonObject> receipts(String userId, String conversationId) {
    ConversationId conversation = ConversationId.parse(conversationId);
    Future<List<String>> participants = conversation.isDirect()
        ? Future.succeededFuture(conversation.requireParticipant(userId).directParticipants())
        : groupCache.requireMember(conversation.groupId(), userId).map(Group::memberIds);
    return participants.compose(users -> stores.receipts().all(conversation.value()).map(all -> {
      java.util.Map<String, ReceiptStore.Watermarks> byUser = new java.util.HashMap<>();
      all.forEach(w -> byUser.put(w.userId(), w));
      JsonArray receipts = new JsonArray();
      for (String user : users) {
        ReceiptStore.Watermarks w = byUser.getOrDefault(user, new ReceiptStore.Watermarks(user, null, null));
        receipts.add(new JsonObject().put("userId", user)
            .put("delivered", w.delivered() == null ? null : Long.toString(w.delivered()))
            .put("read", w.read() == null ? null : Long.toString(w.read())));
      }
      return new JsonObject().put("receipts", receipts);
    }));
  }

  private void mountGroups(Router router) {
    router.post("/api/v1/groups").handler(ctx -> reply(ctx, 201, caller(ctx).compose(who -> body(ctx).compose(json ->
        groups.create(who.userId(), text(json, "title"), list(json, "members")).map(RestApi::groupJson)))));
    router.get("/api/v1/groups/:groupId").handler(ctx -> reply(ctx, 200, caller(ctx).compose(who ->
        groups.view(who.userId(), groupId(ctx)).map(RestApi::groupJson))));
    router.patch("/api/v1/groups/:groupId").handler(ctx -> reply(ctx, 200, caller(ctx).compose(who ->
        body(ctx).compose(json -> groups.rename(who.userId(), groupId(ctx), text(json, "title")))
            .map(RestApi::groupJson))));
    router.post("/api/v1/groups/:groupId/members").handler(ctx -> reply(ctx, 200, caller(ctx).compose(who ->
        body(ctx).compose(json -> groups.addMembers(who.userId(), groupId(ctx), list(json, "userIds")))
            .map(RestApi::groupJson))));
    router.delete("/api/v1/groups/:groupId/members/:userId").handler(ctx -> reply(ctx, 200, caller(ctx).compose(who ->
        groups.removeMember(who.userId(), groupId(ctx), ctx.pathParam("userId")).map(RestApi::groupJson))));
    router.post("/api/v1/groups/:groupId/admins").handler(ctx -> reply(ctx, 200, caller(ctx).compose(who ->
        body(ctx).compose(json -> groups.setAdmin(who.userId(), groupId(ctx), required(text(json, "userId"), "userId"),
            true)).map(RestApi::groupJson))));
    router.delete("/api/v1/groups/:groupId/admins/:userId").handler(ctx -> reply(ctx, 200, caller(ctx).compose(who ->
        groups.setAdmin(who.userId(), groupId(ctx), ctx.pathParam("userId"), false).map(RestApi::groupJson))));
  }

  private static JsonObject groupJson(Group group) {
    JsonArray members = new JsonArray();
    group.members().forEach(m -> members.add(new JsonObject().put("userId", m.userId()).put("role", m.role().wire())));
    return new JsonObject().put("groupId", group.groupId()).put("conversationId", group.conversationId())
        .put("title", group.title()).put("members", members);
  }

  /** The path's group id; one that cannot be a group id names no group. */
  private static String groupId(RoutingContext ctx) {
    String id = ctx.pathParam("groupId");
    if (!ConversationId.isGroupId(id)) {
      throw new ChatException(ErrorCode.NOT_FOUND, "no such group");
    }
    return id;
  }

  /** A string field, or null when it is missing or not a string (the service answers bad_request). */
  private static String text(JsonObject json, String field) {
    return json.getValue(field) instanceof String s ? s : null;
  }

  private static String required(String value, String field) {
    if (value == null || value.isEmpty()) {
      throw new ChatException(ErrorCode.BAD_REQUEST, field + " is required");
    }
    return value;
  }

  private static List<?> list(JsonObject json, String field) {
    return json.getValue(field) instanceof JsonArray array ? array.getList() : null;
  }

  /**
   * Rows of the store's list; a group's row gets its title, and a group the caller has left (or
   * was removed from) is left out.
   */
  private Future<JsonObject> conversationList(String userId, List<ConversationSummary> list) {
    List<Future<Optional<Group>>> groupOfRow = new ArrayList<>(list.size());
    for (ConversationSummary c : list) {
      ConversationId id = ConversationId.parse(c.conversationId());
      groupOfRow.add(id.isDirect() ? Future.succeededFuture(Optional.empty()) : groupCache.get(id.groupId()));
    }
    return Future.all(groupOfRow).map(done -> {
      JsonArray conversations = new JsonArray();
      for (int i = 0; i < list.size(); i++) {
        ConversationSummary c = list.get(i);
        JsonObject row = new JsonObject().put("conversationId", c.conversationId()).put("kind", c.kind());
        if (c.peer() != null) {
          row.put("peer", c.peer());
        }
        if (!"direct".equals(c.kind())) {
          Optional<Group> group = groupOfRow.get(i).result();
          if (group.isEmpty() || !group.get().isMember(userId)) {
            continue;
          }
          row.put("title", group.get().title());
        }
        if (c.lastMessage() != null) {
          row.put("lastMessage", Frames.message(c.lastMessage()));
        }
        conversations.add(row.put("unread", c.unread()));
      }
      return new JsonObject().put("conversations", conversations);
    });
  }

  private static Long limit(RoutingContext ctx) {
    String raw = ctx.queryParams().get("limit");
    if (raw == null) {
      return null;
    }
    try {
      return Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw new ChatException(ErrorCode.BAD_REQUEST, "limit must be an integer");
    }
  }

  Future<Principal> caller(RoutingContext ctx) {
    return caller(auth, ctx);
  }

  /** The authenticated caller of a request ({@code Authorization: Bearer <access token>}). */
  static Future<Principal> caller(AuthService auth, RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Future.failedFuture(new ChatException(ErrorCode.UNAUTHORIZED, "Authorization: Bearer <token> is required"));
    }
    return auth.authenticate(header.substring(7).trim());
  }

  static Future<JsonObject> body(RoutingContext ctx) {
    try {
      JsonObject json = ctx.body().asJsonObject();
      return json == null ? Future.failedFuture(new ChatException(ErrorCode.BAD_REQUEST, "a JSON body is required"))
          : Future.succeededFuture(json);
    } catch (DecodeException | ClassCastException e) {
      return Future.failedFuture(new ChatException(ErrorCode.BAD_REQUEST, "the body must be a JSON object"));
    }
  }

  static void reply(RoutingContext ctx, int status, Future<JsonObject> result) {
    result.onComplete(ar -> {
      if (ctx.response().ended()) {
        return;
      }
      if (ar.succeeded()) {
        ctx.response().setStatusCode(status);
        if (ar.result() == null) {
          ctx.response().end();
        } else {
          ctx.response().putHeader("Content-Type", "application/json; charset=utf-8").end(ar.result().encode());
        }
      } else {
        fail(ctx, ar.cause());
      }
    });
  }

  /** Answers a failure: a {@link ChatException} with its code, anything else as {@code internal} (logged). */
  static void fail(RoutingContext ctx, Throwable cause) {
    if (cause instanceof ChatException e) {
      fail(ctx, e.code.httpStatus, e.code, e.getMessage());
    } else {
      LOG.error("request {} {} failed", ctx.request().method(), ctx.request().path(), cause);
      fail(ctx, 500, ErrorCode.INTERNAL, "internal error");
    }
  }

  private static void fail(RoutingContext ctx, int status, ErrorCode code, String message) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8")
        .end(new JsonObject().put("error", new JsonObject().put("code", code.wire).put("message", message)).encode());
  }
}
