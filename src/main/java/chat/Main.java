package chat;

import chat.auth.JwtKeys;
import chat.codec.Codecs;
import chat.config.ChatConfig;
import chat.delivery.LiveDelivery;
import chat.delivery.LocalSessionDirectory;
import chat.delivery.SessionDirectory;
import chat.pipeline.DirectPipeline;
import chat.pipeline.MessagePipeline;
import chat.ids.Snowflake;
import chat.limits.RateLimits;
import chat.store.Stores;
import chat.store.sqlite.SqliteStores;
import chat.verticles.GatewayVerticle;
import chat.verticles.PersistenceVerticle;
import chat.verticles.RouterVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts one node. Deployment order: persistence (stores open), then the router (consumes send
 * requests), then the gateway (accepts clients) — so nothing accepts a client before it can be served.
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
    Vertx vertx = Vertx.vertx();
    start(vertx, config).onComplete(ar -> {
      if (ar.succeeded()) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().await()));
        System.out.println("chat node " + config.getInteger("nodeId") + " (" + config.getString("profile")
            + ") listening on port " + ar.result().port());
      } else {
        LOG.error("the node failed to start", ar.cause());
        vertx.close().onComplete(v -> System.exit(1));
      }
    });
  }

  /** Deploys a node's verticles on {@code vertx} with the given (merged) config. */
  public static Future<Node> start(Vertx vertx, JsonObject settings) {
    JsonObject config = settings.copy();
    String profile = config.getString("profile", "embedded");
    if (!profile.equals("embedded")) {
      return Future.failedFuture(new IllegalArgumentException("unknown profile '" + profile + "' (supported: embedded)"));
    }
    Path dataDir = Path.of(config.getString("dataDir", "./data"));
    int nodeId = config.getInteger("nodeId", 0);
    Clock clock = Clock.systemUTC();
    Snowflake ids = new Snowflake(nodeId, clock);
    RateLimits limits = new RateLimits(config.getJsonObject("limits", new JsonObject()), clock);
    JsonObject store = config.getJsonObject("store", new JsonObject());
    Stores stores = new SqliteStores(vertx, dataDir, store.getInteger("readerThreads", 4), store.getInteger("batchMax", 512));
    SessionDirectory directory = new LocalSessionDirectory();
    MessagePipeline pipeline = new DirectPipeline(stores, new LiveDelivery(vertx.eventBus(), directory));
    Codecs.registerAll(vertx);
    List<GatewayVerticle> gateways = new CopyOnWriteArrayList<>();
    List<String> deployed = new CopyOnWriteArrayList<>();
    DeploymentOptions options = new DeploymentOptions().setConfig(config);
    int gatewayInstances = config.getJsonObject("http").getInteger("instances", 2);
    return vertx.executeBlocking(() -> JwtKeys.loadOrCreate(dataDir, config.getJsonObject("auth").getString("jwtSecret")))
        .compose(secret -> {
          config.getJsonObject("auth").put("jwtSecret", secret);
          return vertx.deployVerticle(new PersistenceVerticle(stores), options);
        })
        .compose(id -> {
          deployed.add(id);
          return vertx.deployVerticle(new RouterVerticle(stores, pipeline, ids, limits), options);
        })
        .compose(id -> {
          deployed.add(id);
          return vertx.deployVerticle(() -> {
            GatewayVerticle gateway = new GatewayVerticle(stores, directory, limits, ids, clock);
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
