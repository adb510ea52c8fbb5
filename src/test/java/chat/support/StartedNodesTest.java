package chat.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("A node a test starts and leaves running")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StartedNodesTest {
  /** Outlives each test, unlike an injected Vertx, so only the extension can undeploy the node. */
  private static final Vertx VERTX = Vertx.vertx();

  @AfterAll
  static void closeVertx() throws Exception {
    VERTX.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  @Order(1)
  @DisplayName("is running when the test ends")
  void startsANode(@TempDir Path dir) throws Exception {
    TestNode.start(VERTX, dir).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(VERTX.deploymentIDs()).isNotEmpty();
  }

  @Test
  @Order(2)
  @DisplayName("is closed before the next test, its temp dir deleted only after it")
  void wasClosedAfterIt() {
    assertThat(VERTX.deploymentIDs()).isEmpty();
  }
}
