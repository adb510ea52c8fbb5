package chat.verticles;

import static org.assertj.core.api.Assertions.assertThat;

import chat.Addresses;
import chat.protocol.SendAck;
import chat.protocol.SendCommand;
import chat.support.ChatClient;
import chat.support.ChatClient.User;
import chat.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@DisplayName("The router")
class RouterVerticleTest {
  /** Far more than the ~1,000 queued commands whose one-by-one handoff once overflowed an event loop's stack. */
  private static final int QUEUED = 5_000;

  @TempDir
  Path dataDir;

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @DisplayName("answers every one of thousands of sends queued behind one that waits on a store read")
  void longBacklogBehindAStoreRead(Vertx vertx, VertxTestContext testContext) {
    TestNode.start(vertx, dataDir)
        .compose(node -> {
          ChatClient client = new ChatClient(vertx, node.port());
          return Future.all(client.newUser("d1"), client.newUser("d1"));
        })
        .compose(users -> {
          User known = users.resultAt(0);
          User unseen = users.resultAt(1);
          // the first send to a peer reads its account; later ones find it in the router's cache
          return send(vertx, "warm-up", known.userId()).compose(ack -> {
            List<Future<Message<SendAck>>> answers = new ArrayList<>();
            answers.add(send(vertx, "first", unseen.userId())); // the read every later send queues behind
            for (int i = 0; i < QUEUED; i++) {
              answers.add(send(vertx, "sender-" + i, known.userId()));
            }
            return Future.all(answers).map(all -> answers);
          });
        })
        .onComplete(testContext.succeeding(answers -> testContext.verify(() -> {
          assertThat(answers).hasSize(QUEUED + 1).allSatisfy(answer -> assertThat(answer.result().body().msgId()).isPositive());
          testContext.completeNow();
        })));
  }

  private static Future<Message<SendAck>> send(Vertx vertx, String senderId, String to) {
    SendCommand command = new SendCommand(senderId, "d1", "session-" + senderId, "c1", to, null, "text", "hello", null);
    return vertx.eventBus().request(Addresses.SEND_REQUESTS, command, new DeliveryOptions().setSendTimeout(30_000));
  }
}
