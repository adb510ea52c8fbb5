package chat;

import static org.assertj.core.api.Assertions.assertThat;

import chat.support.ChatClient;
import chat.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class SmokeTest {
  @Test
  @DisplayName("A message sent by one user reaches the other live and is acked to the sender")
  void directMessage(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    TestNode.start(vertx, dir).compose(node -> {
      ChatClient client = new ChatClient(vertx, node.port());
      return client.newUser("phone").compose(alice -> client.newUser("phone").compose(bob ->
          client.connect(alice).compose(a -> client.connect(bob).compose(b ->
              a.sendText("c1", bob.userId(), "hello 👋").compose(ack -> b.next().map(msg -> {
                ctx.verify(() -> {
                  assertThat(ack.getString("type")).isEqualTo("ack");
                  assertThat(msg.getString("type")).isEqualTo("message");
                  assertThat(msg.getString("body")).isEqualTo("hello 👋");
                  assertThat(msg.getString("msgId")).isEqualTo(ack.getString("msgId"));
                  assertThat(msg.getLong("seq")).isEqualTo(1L);
                });
                return null;
              }))))));
    }).onComplete(ctx.succeedingThenComplete());
  }
}
