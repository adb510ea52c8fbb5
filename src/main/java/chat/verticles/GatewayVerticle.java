package chat.verticles;

import chat.Addresses;
import chat.auth.AuthService;
import chat.delivery.SessionDirectory;
import chat.gateway.ClientEdge;
import chat.groups.GroupService;
import chat.groups.MembershipCache;
import chat.gateway.GatewaySettings;
import chat.gateway.PushApi;
import chat.ids.Snowflake;
import chat.limits.RateLimits;
import chat.metrics.NodeMetrics;
import chat.notify.WebPushSettings;
import chat.protocol.Delivery;
import chat.store.Stores;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.time.Clock;

/**
 * The client edge of one node: REST, WebSocket ({@code /ws}) and SockJS ({@code /sockjs}) on one
 * HTTP port, a session per connection, and the consumer of this node's delivery address that
 * pushes durable inbox events to the sessions it holds. Several instances share the port; each owns the sessions it accepted.
 */
public final class GatewayVerticle extends VerticleBase {
  private final Stores stores;
  private final SessionDirectory directory;
  private final RateLimits limits;
  private final Snowflake ids;
  private final Clock clock;
  private final GroupService groups;
  private final MembershipCache groupCache;
  private final NodeMetrics metrics;
  private HttpServer server;

  public GatewayVerticle(Stores stores, SessionDirectory directory, GroupService groups, MembershipCache groupCache,
                         RateLimits limits, Snowflake ids, Clock clock, NodeMetrics metrics) {
    this.stores = stores;
    this.metrics = metrics;
    this.groups = groups;
    this.groupCache = groupCache;
    this.directory = directory;
    this.limits = limits;
    this.ids = ids;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    GatewaySettings settings = GatewaySettings.from(config());
    AuthService auth = new AuthService(vertx, stores, AuthService.Settings.from(config().getJsonObject("auth")),
        limits, clock, ids);
    Router router = Router.router(vertx);
    ClientEdge edge = new ClientEdge(vertx, auth, stores, directory, groups, groupCache, limits, clock, settings,
        metrics);
    vertx.setPeriodic(settings.heartbeatIntervalMs(), t -> edge.closeSilentSessions());
    edge.mount(router);
    new PushApi(auth, stores.pushSubscriptions(), WebPushSettings.from(config()), clock).mount(router);
    server = vertx.createHttpServer(new HttpServerOptions()
        .setMaxWebSocketFrameSize(settings.maxTransportFrameBytes())
        .setMaxWebSocketMessageSize(settings.maxTransportFrameBytes())
        .setCompressionSupported(true)
        // every request is answered on its own event loop, so each connection can write to its channel
        // directly instead of through a multi-producer queue (~4.8 KiB per socket: docs/performance.md)
        .setStrictThreadMode(true)
        // permessage-deflate costs far more CPU than it saves on loopback-sized chat frames (docs/performance.md)
        .setPerMessageWebSocketCompressionSupported(settings.webSocketCompression())
        .setPerFrameWebSocketCompressionSupported(settings.webSocketCompression()))
        .requestHandler(router);
    return Future.join(
        vertx.eventBus().<Delivery>consumer(Addresses.deliveriesFor(directory.nodeId()), m -> edge.deliver(m.body()))
            .completion(),
        vertx.eventBus().<JsonObject>consumer(Addresses.PRESENCE_CHANGES, m -> edge.presenceChanged(m.body()))
            .completion(),
        server.listen(settings.port(), settings.host()));
  }

  /** The port actually bound (useful when configured as 0). */
  public int actualPort() {
    return server.actualPort();
  }
}
