package chat.verticles;

import chat.store.Stores;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * Owns the storage engine's lifecycle: opens it (schema included) before anything that uses it
 * starts, and closes it last, after queued writes are committed.
 */
public final class PersistenceVerticle extends VerticleBase {
  private final Stores stores;

  public PersistenceVerticle(Stores stores) {
    this.stores = stores;
  }

  @Override
  public Future<?> start() {
    return stores.open();
  }

  @Override
  public Future<?> stop() {
    return stores.close();
  }
}
