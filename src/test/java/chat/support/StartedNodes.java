package chat.support;

import chat.Main;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Closes, after each test, the embedded nodes that {@link TestNode} started for it and the test left
 * running, newest first. JUnit deletes a test's {@code @TempDir} parameter before it closes the
 * {@code Vertx} injected ahead of it, so a node left running would still be writing its data dir
 * (a store flushing or compacting) while the directory is walked and deleted, and the deletion
 * fails the test. After-each callbacks run before either. Registered for every test class through
 * {@code META-INF/services} (extension auto-detection, junit-platform.properties).
 */
public final class StartedNodes implements AfterEachCallback {
  private static final List<Main.Node> RUNNING = new ArrayList<>();
  private static final long CLOSE_TIMEOUT_SECONDS = 30;

  static synchronized void add(Main.Node node) {
    RUNNING.add(node);
  }

  private static synchronized List<Main.Node> takeAll() {
    List<Main.Node> nodes = new ArrayList<>(RUNNING);
    RUNNING.clear();
    return nodes;
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    List<Main.Node> nodes = takeAll();
    for (int i = nodes.size() - 1; i >= 0; i--) {
      Main.Node node = nodes.get(i);
      // a node the test closed itself, or whose Vertx it closed, has none of its deployments left
      if (node.vertx().deploymentIDs().containsAll(node.deploymentIds())) {
        node.close().toCompletionStage().toCompletableFuture().get(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      }
    }
  }
}
