package chat;

import static org.assertj.core.api.Assertions.assertThat;

import chat.support.ChatClient;
import chat.support.ChatClient.User;
import chat.support.SockJsClient;
import chat.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.function.BiFunction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Wire contract v1 over SockJS at {@code /sockjs}, speaking the SockJS protocol by hand against a
 * real node: the SockJS WebSocket transport and the XHR long-polling transport, side by side with
 * plain WebSocket clients of the same node.
 */
@ExtendWith(VertxExtension.class)
class SockJsTest {
  private static final String MULTIBYTE = "héllo 👋🏽 世界";

  /** The two SockJS transports under test. */
  enum SockJsTransport {
    WEBSOCKET(SockJsClient::webSocket),
    XHR_POLLING(SockJsClient::xhr);

    final BiFunction<Vertx, Integer, Future<SockJsClient>> open;

    SockJsTransport(BiFunction<Vertx, Integer, Future<SockJsClient>> open) {
      this.open = open;
    }
  }

  record World(ChatClient client, User alice, User bob) {
  }

  private static Future<World> world(Vertx vertx, Path dir) {
    return TestNode.client(vertx, dir).compose(client ->
        client.newUser("phone").compose(alice -> client.newUser("web").map(bob -> new World(client, alice, bob))));
  }

  @ParameterizedTest(name = "over {0}")
  @EnumSource(SockJsTransport.class)
  @DisplayName("A SockJS client authenticates, sends with an ack and exchanges messages with a WebSocket client")
  void chatOverSockJs(SockJsTransport transport, Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    world(vertx, dir).compose(w -> w.client().connect(w.alice()).compose(alice ->
        transport.open.apply(vertx, w.client().port).compose(sockjs -> sockjs.auth(w.bob().accessToken()))
            .compose(bob -> {
              ctx.verify(() -> {
                assertThat(bob.ready.getString("userId")).isEqualTo(w.bob().userId());
                assertThat(bob.ready.getString("deviceId")).isEqualTo("web");
                assertThat(bob.ready.getLong("seq")).isEqualTo(0L);
              });
              // WebSocket user -> SockJS user
              return alice.sendText("w1", w.bob().userId(), MULTIBYTE).compose(ack -> bob.next().map(message -> {
                ctx.verify(() -> {
                  assertThat(ack.getString("type")).isEqualTo("ack");
                  assertThat(message.getString("type")).isEqualTo("message");
                  assertThat(message.getLong("seq")).isEqualTo(1L);
                  assertThat(message.getString("msgId")).isEqualTo(ack.getString("msgId"));
                  assertThat(message.getString("from")).isEqualTo(w.alice().userId());
                  assertThat(message.getString("body")).isEqualTo(MULTIBYTE);
                  assertThat(message.containsKey("id")).isFalse();
                });
                return null;
              }))
                  // SockJS user -> WebSocket user
                  .compose(v -> bob.sendText("s1", w.alice().userId(), "back at you " + MULTIBYTE))
                  .compose(ack -> alice.next().map(message -> {
                    ctx.verify(() -> {
                      assertThat(ack.getString("type")).as("%s", ack).isEqualTo("ack");
                      assertThat(ack.getString("id")).isEqualTo("s1");
                      assertThat(ack.getString("conversation")).isEqualTo(message.getString("conversation"));
                      assertThat(ack.getLong("seq")).isEqualTo(TestNode.ackSeq(2L));
                      assertThat(message.getString("msgId")).isEqualTo(ack.getString("msgId"));
                      assertThat(message.getString("from")).isEqualTo(w.bob().userId());
                      assertThat(message.getString("body")).isEqualTo("back at you " + MULTIBYTE);
                    });
                    return null;
                  }))
                  // no echo on the sending SockJS session: the pong comes right after the ack
                  .compose(v -> bob.send(new JsonObject().put("type", "ping")))
                  .compose(v -> bob.next())
                  .map(pong -> {
                    ctx.verify(() -> assertThat(pong).isEqualTo(new JsonObject().put("type", "pong")));
                    return null;
                  });
            })))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Over the SockJS websocket transport the server opens with o and frames chat frames as a[\"<json>\"]")
  void webSocketFraming(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    world(vertx, dir).compose(w -> SockJsClient.webSocket(vertx, w.client().port)
        .compose(sockjs -> sockjs.auth(w.bob().accessToken()))
        .map(bob -> {
          ctx.verify(() -> {
            assertThat(bob.rawFrames()).hasSize(2);
            assertThat(bob.rawFrames().get(0)).isEqualTo("o");
            String ready = bob.rawFrames().get(1);
            assertThat(ready).startsWith("a[");
            JsonArray strings = new JsonArray(ready.substring(1));
            assertThat(strings).hasSize(1);
            assertThat(strings.getValue(0)).isInstanceOf(String.class);
            assertThat(new JsonObject(strings.getString(0))).isEqualTo(bob.ready);
            assertThat(bob.ready.getString("type")).isEqualTo("ready");
          });
          return null;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Over XHR polling the first poll answers o, xhr_send answers 204 and the next poll carries the reply")
  void xhrByHand(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    world(vertx, dir).compose(w -> {
      WebClient http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
          .setDefaultPort(w.client().port).setKeepAlive(false));
      String session = SockJsClient.newSessionPath();
      String auth = new JsonObject().put("type", "auth").put("token", w.bob().accessToken()).encode();
      return http.post(session + "/xhr").send().compose(open -> {
        ctx.verify(() -> {
          assertThat(open.statusCode()).isEqualTo(200);
          assertThat(open.bodyAsString()).isEqualTo("o\n");
        });
        return http.post(session + "/xhr_send").sendBuffer(Buffer.buffer(new JsonArray().add(auth).encode()));
      }).compose(sent -> {
        ctx.verify(() -> assertThat(sent.statusCode()).isEqualTo(204));
        return http.post(session + "/xhr").send();
      }).map((HttpResponse<Buffer> poll) -> {
        ctx.verify(() -> {
          assertThat(poll.statusCode()).isEqualTo(200);
          String body = poll.bodyAsString();
          assertThat(body).startsWith("a[").endsWith("]\n");
          JsonArray strings = new JsonArray(body.substring(1, body.length() - 1));
          assertThat(strings).hasSize(1);
          JsonObject ready = new JsonObject(strings.getString(0));
          assertThat(ready.getString("type")).isEqualTo("ready");
          assertThat(ready.getString("userId")).isEqualTo(w.bob().userId());
        });
        return null;
      });
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("A message from a WebSocket user sent while no poll is outstanding reaches the XHR client on its next poll")
  void xhrQueuedBetweenPolls(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    world(vertx, dir).compose(w -> {
      WebClient http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
          .setDefaultPort(w.client().port).setKeepAlive(false));
      String session = SockJsClient.newSessionPath();
      String auth = new JsonObject().put("type", "auth").put("token", w.bob().accessToken()).encode();
      return http.post(session + "/xhr").send()
          .compose(open -> http.post(session + "/xhr_send").sendBuffer(Buffer.buffer(new JsonArray().add(auth).encode())))
          .compose(sent -> http.post(session + "/xhr").send()) // ready
          .compose(ready -> w.client().connect(w.alice()))
          .compose(alice -> alice.sendText("q1", w.bob().userId(), "while you were away"))
          .compose(ack -> http.post(session + "/xhr").send().map(poll -> {
            ctx.verify(() -> {
              String body = poll.bodyAsString();
              assertThat(body).startsWith("a[");
              JsonObject message = new JsonObject(new JsonArray(body.substring(1, body.length() - 1)).getString(0));
              assertThat(message.getString("type")).isEqualTo("message");
              assertThat(message.getString("msgId")).isEqualTo(ack.getString("msgId"));
              assertThat(message.getString("body")).isEqualTo("while you were away");
            });
            return null;
          }));
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  // vertx-web's SockJS sessions ignore the code given to close(code, reason) and always send
  // c[3000,"Go away!"]; the error frame before it is what tells the client why (docs/protocol.md).
  @DisplayName("A bad token over SockJS is answered with an unauthorized error frame, then the session is closed")
  void badToken(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    world(vertx, dir).compose(w -> SockJsClient.webSocket(vertx, w.client().port).compose(sockjs ->
        sockjs.send(new JsonObject().put("type", "auth").put("token", w.bob().accessToken() + "x"))
            .compose(v -> sockjs.next())
            .compose(error -> sockjs.closed().map(close -> {
              ctx.verify(() -> {
                assertThat(error.getString("type")).isEqualTo("error");
                assertThat(error.getString("code")).isEqualTo("unauthorized");
                assertThat(close).isEqualTo(new JsonArray().add(3000).add("Go away!"));
              });
              return null;
            }))))
        .onComplete(ctx.succeedingThenComplete());
  }
}
