package chat;

import io.vertx.core.Future;

/** Something a node opens before it serves and closes after it stops: a store, a log. */
public interface Resource {
  Future<Void> open();

  Future<Void> close();
}
