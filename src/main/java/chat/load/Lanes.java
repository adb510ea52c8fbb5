package chat.load;

import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Event loops of the load tool. A socket lives on the context it was opened from, so opening each
 * socket on the next lane spreads the clients' work over every lane instead of piling it on one.
 */
public final class Lanes {
  private final Vertx vertx;
  private final List<Context> contexts;
  private final String deploymentId;
  private final AtomicInteger next = new AtomicInteger();

  private Lanes(Vertx vertx, List<Context> contexts, String deploymentId) {
    this.vertx = vertx;
    this.contexts = List.copyOf(contexts);
    this.deploymentId = deploymentId;
  }

  /** Deploys {@code count} lane verticles, each on its own event loop (as far as there are loops). */
  public static Future<Lanes> deploy(Vertx vertx, int count) {
    List<Context> contexts = new CopyOnWriteArrayList<>();
    return vertx.deployVerticle(() -> new VerticleBase() {
          @Override
          public Future<?> start() {
            contexts.add(context);
            return Future.succeededFuture();
          }
        }, new DeploymentOptions().setInstances(Math.max(1, count)))
        .map(id -> new Lanes(vertx, contexts, id));
  }

  /** Runs {@code action} on the next lane; what it opens lives on that lane. */
  public <T> Future<T> onNext(Supplier<Future<T>> action) {
    Context lane = contexts.get(Math.floorMod(next.getAndIncrement(), contexts.size()));
    Promise<T> result = Promise.promise();
    lane.runOnContext(v -> action.get().onComplete(result));
    return result.future();
  }

  public Future<Void> close() {
    return vertx.undeploy(deploymentId);
  }
}
