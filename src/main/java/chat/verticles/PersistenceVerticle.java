package chat.verticles;

import chat.Resource;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.List;

/**
 * Owns the lifecycle of the node's durable resources (the stores; in the cluster profile also the
 * Kafka log): opens them, in order, before anything that uses them starts, and closes them in
 * reverse order last, after queued writes are flushed.
 */
public final class PersistenceVerticle extends VerticleBase {
  private final List<Resource> resources;

  public PersistenceVerticle(List<Resource> resources) {
    this.resources = resources;
  }

  @Override
  public Future<?> start() {
    Future<Void> chain = Future.succeededFuture();
    for (Resource resource : resources) {
      chain = chain.compose(v -> resource.open());
    }
    return chain;
  }

  @Override
  public Future<?> stop() {
    Future<Void> chain = Future.succeededFuture();
    for (int i = resources.size() - 1; i >= 0; i--) {
      Resource resource = resources.get(i);
      chain = chain.eventually(() -> resource.close());
    }
    return chain;
  }
}
