package chat.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import chat.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class WebSocketCompressionTest {
  @Test
  @DisplayName("By default the server refuses permessage-deflate even when the client asks for it")
  void offByDefault(Vertx vertx, VertxTestContext testContext, @TempDir Path dir) {
    extensionsAgreed(vertx, dir, false).onComplete(testContext.succeeding(extensions -> testContext.verify(() -> {
      assertThat(extensions).isNull();
      testContext.completeNow();
    })));
  }

  @Test
  @DisplayName("With http.webSocketCompression on, a client that asks gets permessage-deflate")
  void onWhenConfigured(Vertx vertx, VertxTestContext testContext, @TempDir Path dir) {
    extensionsAgreed(vertx, dir, true).onComplete(testContext.succeeding(extensions -> testContext.verify(() -> {
      assertThat(extensions).contains("permessage-deflate");
      testContext.completeNow();
    })));
  }

  /**
   * The Sec-WebSocket-Extensions the server answers an upgrade that asks for permessage-deflate (as
   * Node's ws client does); null when it agrees to none. A raw upgrade request, so that what is
   * checked is the server's answer alone.
   */
  private static Future<String> extensionsAgreed(Vertx vertx, Path dir, boolean compression) {
    return TestNode.start(vertx, dir, config -> config.getJsonObject("http").put("webSocketCompression", compression))
        .compose(node -> vertx.createHttpClient()
            .request(new RequestOptions().setHost("127.0.0.1").setPort(node.port()).setURI("/ws")
                .putHeader("Connection", "Upgrade").putHeader("Upgrade", "websocket")
                .putHeader("Sec-WebSocket-Version", "13").putHeader("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
                .putHeader("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits"))
            .compose(HttpClientRequest::send)
            .compose(response -> response.statusCode() == 101
                ? Future.succeededFuture(response.getHeader("Sec-WebSocket-Extensions"))
                : Future.failedFuture("the upgrade was answered " + response.statusCode()))
            .eventually(node::close));
  }
}
