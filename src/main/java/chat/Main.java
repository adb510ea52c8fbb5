package chat;

import chat.auth.JwtKeys;
import chat.codec.Codecs;
import chat.config.ChatConfig;
import chat.groups.GroupService;
import chat.ids.Snowflake;
import chat.limits.RateLimits;
import chat.metrics.NodeMetrics;
import chat.notify.NotificationVerticle;
import chat.verticles.GatewayVerticle;
import chat.verticles.PersistenceVerticle;
import chat.verticles.PresenceVerticle;
import chat.verticles.ReceiptVerticle;
import chat.verticles.RouterVerticle;
import chat.verticles.TypingVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Deployable;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import chat.cluster.ClusterSettings;
import java.util.function.Supplier;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts one node, embedded or cluster profile. Deployment order: persistence (stores and logs
 * open), the profile's stages (cluster: inbox and fan-out consumers), the router (consumes send
 * requests), notifications, then the gateways (accept clients), so nothing accepts a client before it
 * can be served.
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  /** A running node, as tests and the launcher see it. */
  public record Node(Vertx vertx, int port, List<String> deploymentIds) {
    /** Undeploys in reverse order (the gateway first, persistence last, after its queued writes commit). */
    public Future<Void> close() {
      Future<Void> chain = Future.succeededFuture();
      for (int i = deploymentIds.size() - 1; i >= 0; i--) {
        String id = deploymentIds.get(i);
        chain = chain.compose(v -> vertx.undeploy(id));
      }
      return chain.onComplete(v -> Codecs.unregisterAll(vertx));
    }
  }

  private Main() {
  }

  public static void main(String[] args) throws Exception {
    Path confFile = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("-conf") && i + 1 < args.length) {
        confFile = Path.of(args[++i]);
      } else {
        System.err.println("usage: java -jar chat-server.jar [-conf FILE]");
        System.exit(2);
      }
    }
    JsonObject config = ChatConfig.load(confFile, System.getenv());
    Future<Node> started = switch (config.getString("profile", "embedded")) {
      case "embedded" -> start(Vertx.vertx(), config);
      case "cluster" -> startCluster(config);
      default -> Future.failedFuture(new IllegalArgumentException(
          "unknown profile '" + config.getString("profile") + "' (embedded or cluster)"));
    };
    started.onComplete(ar -> {
      if (ar.succeeded()) {
        Node node = ar.result();
        // SIGTERM: undeploy in reverse order first (gateways stop taking sends before the stores
        // close and flush), then close Vert.x and, in a cluster, leave Hazelcast.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> node.close().eventually(() -> node.vertx().close()).await()));
        System.out.println("chat node " + config.getInteger("nodeId") + " (" + config.getString("profile")
            + ") listening on port " + ar.result().port());
      } else {
        LOG.error("the node failed to start", ar.cause());
        System.exit(1);
      }
    });
  }

  /** Starts an embedded node on {@code vertx} with the given (merged) config. */
  public static Future<Node> start(Vertx vertx, JsonObject settings) {
    JsonObject config = settings.copy();
    return deploy(vertx, config, Engine.embedded(vertx, config));
  }

  /** Joins (or forms) the Hazelcast cluster, then starts a cluster node on the clustered Vertx. */
  public static Future<Node> startCluster(JsonObject settings) {
    JsonObject config = settings.copy();
    String secret = config.getJsonObject("auth").getString("jwtSecret");
    if (secret == null || secret.isBlank()) {
      return Future.failedFuture(new IllegalArgumentException(
          "the cluster profile needs the same CHAT_JWT_SECRET on every node"));
    }
    ClusterSettings cluster = ClusterSettings.from(config.getJsonObject("cluster", new JsonObject()));
    HazelcastClusterManager clusterManager = new HazelcastClusterManager(cluster.hazelcast());
    return Vertx.builder()
        .with(new VertxOptions().setEventBusOptions(new EventBusOptions().setHost(cluster.host()).setPort(0)))
        .withClusterManager(clusterManager)
        .buildClustered()
        .compose(vertx -> deploy(vertx, config, Engine.cluster(vertx, config, clusterManager)));
  }

  /** Deployment order: persistence, the engine's stages, router, receipts, presence, typing and notifications, then the gateways. */
  private static Future<Node> deploy(Vertx vertx, JsonObject config, Engine engine) {
    Path dataDir = Path.of(config.getString("dataDir", "./data"));
    Clock clock = Clock.systemUTC();
    Snowflake ids = new Snowflake(config.getInteger("nodeId", 0), clock);
    RateLimits limits = new RateLimits(config.getJsonObject("limits", new JsonObject()), clock);
    NodeMetrics metrics = new NodeMetrics();
    Codecs.registerAll(vertx);
    GroupService groups = new GroupService(engine.stores().groups(), engine.groups(), engine.stores().accounts(),
        engine.pipeline(), ids, GroupService.Settings.from(config.getJsonObject("groups", new JsonObject())));
    List<GatewayVerticle> gateways = new CopyOnWriteArrayList<>();
    List<String> deployed = new CopyOnWriteArrayList<>();
    DeploymentOptions options = new DeploymentOptions().setConfig(config);
    int gatewayInstances = config.getJsonObject("http").getInteger("instances", 2);
    Future<String> chain = vertx.executeBlocking(() ->
            JwtKeys.loadOrCreate(dataDir, config.getJsonObject("auth").getString("jwtSecret")))
        .compose(secret -> {
          config.getJsonObject("auth").put("jwtSecret", secret);
          return vertx.deployVerticle(new PersistenceVerticle(engine.resources()), options);
        });
    for (Supplier<Deployable> stage : engine.stages()) {
      chain = chain.compose(id -> {
        deployed.add(id);
        return vertx.deployVerticle(stage.get(), options);
      });
    }
    return chain
        .compose(id -> {
          deployed.add(id);
          return vertx.deployVerticle(new RouterVerticle(engine.stores(), engine.groups(), engine.pipeline(), ids, limits),
              options);
        })
        .compose(id -> {
          deployed.add(id);
          return vertx.deployVerticle(new ReceiptVerticle(engine.stores().messages(), engine.groups(), engine.pipeline(),
              ids), options);
        })
        .compose(id -> {
          deployed.add(id);
          return vertx.deployVerticle(new PresenceVerticle(engine.directory(), engine.stores().presence(),
              engine.stores().messages(), engine.groups(), clock), options);
        })
        .compose(id -> {
          deployed.add(id);
          return vertx.deployVerticle(new TypingVerticle(engine.directory(), engine.groups()), options);
        })
        .compose(id -> {
          deployed.add(id);
          return NotificationVerticle.deploy(vertx, engine.stores().pushSubscriptions(), engine.directory(), options);
        })
        .compose(id -> {
          deployed.add(id);
          return vertx.deployVerticle(() -> {
            GatewayVerticle gateway = new GatewayVerticle(engine.stores(), engine.directory(), groups, engine.groups(),
                limits, ids, clock, metrics);
            gateways.add(gateway);
            return gateway;
          }, new DeploymentOptions(options).setInstances(gatewayInstances));
        })
        .map(id -> {
          deployed.add(id);
          return new Node(vertx, gateways.get(0).actualPort(), List.copyOf(deployed));
        })
        .recover(e -> new Node(vertx, 0, List.copyOf(deployed)).close().transform(v -> Future.failedFuture(e)));
  }
}
