package chat.gateway;

import chat.auth.AuthService;
import chat.limits.RateLimits;
import chat.groups.GroupService;
import chat.groups.MembershipCache;
import chat.delivery.SessionDirectory;
import chat.metrics.NodeMetrics;
import chat.protocol.Delivery;
import chat.store.Stores;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.time.Clock;
import java.util.UUID;

/**
 * Mounts the HTTP routes of one gateway instance: REST, the WebSocket endpoint and SockJS (all its
 * transports, long-polling included), and turns each connection into a {@link Session}.
 */
public final class ClientEdge {
  private static final int CLOSE_MESSAGE_TOO_BIG = 1009;
  private final Vertx vertx;
  private final Stores stores;
  private final AuthService auth;
  private final GatewaySettings settings;
  private final SessionRegistry registry;
  private final NodeMetrics metrics;
  private final Session.Services services;

  private final GroupService groups;
  private final MembershipCache groupCache;

  public ClientEdge(Vertx vertx, AuthService auth, Stores stores, SessionDirectory directory, GroupService groups,
                    MembershipCache groupCache, RateLimits limits, Clock clock, GatewaySettings settings,
                    NodeMetrics metrics) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.registry = new SessionRegistry(metrics);
    this.auth = auth;
    this.stores = stores;
    this.groups = groups;
    this.groupCache = groupCache;
    this.settings = settings;
    HistoryPages history = new HistoryPages(stores.messages(), groupCache, settings.historyPageMax());
    this.services = new Session.Services(vertx, auth, stores.inbox(), history, registry, directory, limits, clock,
        settings);
  }

  public void mount(Router router) {
    RestApi rest = new RestApi(auth, stores, services.history(), groups, groupCache, settings);
    new MediaApi(vertx, rest, stores.media(), groupCache, settings.media()).mount(router); // before REST's body handler
    rest.mount(router);
    if (settings.metrics()) {
      router.get("/metrics").handler(ctx -> metrics.scrape(vertx)
          .onSuccess(text -> ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(text))
          .onFailure(ctx::fail));
    }
    router.get("/ws").handler(this::upgrade);
    SockJSHandlerOptions sockJsOptions = new SockJSHandlerOptions().setRegisterWriteHandler(false)
        .setHeartbeatInterval(25_000).setSessionTimeout(30_000);
    // SockJS's XHR transports read their payload from the request body.
    router.route("/sockjs/*").handler(BodyHandler.create(false).setBodyLimit(settings.maxTransportFrameBytes()));
    router.route("/sockjs/*").subRouter(SockJSHandler.create(vertx, sockJsOptions).socketHandler(this::sockJs));
  }

  /** Pushes a presence transition to this instance's sessions that watch the user. */
  public void presenceChanged(JsonObject presence) {
    String frame = null;
    for (Session session : registry.watching(presence.getString("user"))) {
      if (frame == null) {
        frame = presence.encode();
      }
      session.push(frame);
    }
  }

  /** Closes this instance's sessions that have been silent for the heartbeat timeout. */
  public void closeSilentSessions() {
    long now = services.clock().millis();
    registry.all().forEach(session -> session.closeIfSilent(now));
  }

  /** Pushes a durable inbox event to this instance's sessions of its user. */
  public void deliver(Delivery delivery) {
    String frame = null;
    for (Session session : registry.of(delivery.userId())) {
      if (!session.id().equals(delivery.excludeSessionId())) {
        if (frame == null) {
          frame = delivery.frame();
        }
        session.push(frame);
      }
    }
  }

  private void upgrade(RoutingContext ctx) {
    String token = bearer(ctx.request().getHeader("Authorization"));
    if (token == null) {
      token = ctx.queryParams().get("access_token");
    }
    String presented = token;
    ctx.request().toWebSocket().onSuccess(ws -> {
      DirectWebSocketWrites.apply(ctx.request().connection());
      Session session = new Session(UUID.randomUUID().toString(),
          webSocketTransport(ws, ctx.request().connection()), services);
      ws.textMessageHandler(session::onText);
      // every frame, a WebSocket ping included, is a sign of life (the text handler still gets its messages)
      ws.frameHandler(frame -> session.signOfLife());
      ws.binaryMessageHandler(b -> session.onBinary());
      ws.closeHandler(v -> session.onClosed());
      ws.exceptionHandler(e -> {
        if (e instanceof CorruptedWebSocketFrameException corrupted) {
          // one frame over the transport limit: answer with the status the codec chose (1009)
          ws.close((short) corrupted.closeStatus().code(), corrupted.closeStatus().reasonText());
        } else if (e instanceof IllegalStateException && String.valueOf(e.getMessage()).contains("max message size")) {
          // fragments that add up past the transport limit (Vert.x's frame aggregator reports it so)
          ws.close((short) CLOSE_MESSAGE_TOO_BIG, "message too big");
        } else {
          ws.close();
        }
      });
      session.start(presented);
    });
  }

  private void sockJs(SockJSSocket socket) {
    Session session = new Session(UUID.randomUUID().toString(), sockJsTransport(socket), services);
    socket.handler((Buffer b) -> session.onText(b.toString()));
    socket.endHandler(v -> session.onClosed());
    socket.closeHandler(v -> session.onClosed());
    socket.exceptionHandler(e -> socket.close());
    session.start(null);
  }

  /** The transport of a WebSocket session; {@code connection} is the upgraded request's. */
  static Transport webSocketTransport(ServerWebSocket ws, HttpConnection connection) {
    return new Transport() {
      private int sent;

      @Override
      public void send(String text) {
        // from the second frame on (the first is ready): an idle socket saves the handler's ~120 bytes of heap
        if (sent < 2 && ++sent == 2) {
          CoalescedFlushes.apply(connection);
        }
        ws.writeTextMessage(text);
      }

      @Override
      public boolean writeQueueFull() {
        return ws.writeQueueFull();
      }

      @Override
      public void close(int code, String reason) {
        ws.close((short) code, reason);
      }
    };
  }

  private static Transport sockJsTransport(SockJSSocket socket) {
    return new Transport() {
      @Override
      public void send(String text) {
        socket.write(text);
      }

      @Override
      public boolean writeQueueFull() {
        return socket.writeQueueFull();
      }

      @Override
      public void close(int code, String reason) {
        socket.close(code, reason);
      }
    };
  }

  private static String bearer(String header) {
    return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
  }
}
