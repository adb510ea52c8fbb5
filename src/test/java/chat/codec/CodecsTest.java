package chat.codec;

import static org.assertj.core.api.Assertions.assertThat;

import chat.protocol.Delivery;
import chat.protocol.SendAck;
import chat.protocol.SendCommand;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class CodecsTest {
  private static final String EMOJI = "héllo 👋🏽 世界 \u0000 \"quoted\"";

  @SuppressWarnings("unchecked")
  private static <T> T wireRoundTrip(T value) {
    JsonRecordCodec<T> codec = (JsonRecordCodec<T>) Codecs.ALL.stream()
        .filter(c -> c.type() == value.getClass()).findFirst().orElseThrow();
    Buffer buffer = Buffer.buffer().appendString("prefix");
    codec.encodeToWire(buffer, value);
    return codec.decodeFromWire(6, buffer);
  }

  @Test
  @DisplayName("Every event-bus record survives the wire encoding, emoji and all")
  void wireRoundTrips() {
    SendCommand command = new SendCommand("1", "phone", "s-1", "c-1", "2", null, "text", EMOJI, null);
    SendAck ack = new SendAck(Long.MAX_VALUE, "d:1:2", 1_790_000_000_000L, 42);
    Delivery delivery = new Delivery("2", 7, "{\"type\":\"message\",\"body\":\"" + EMOJI.replace("\"", "\\\"")
        .replace("\u0000", "\\u0000") + "\"}", "s-1");
    assertThat(wireRoundTrip(command)).isEqualTo(command);
    assertThat(wireRoundTrip(ack)).isEqualTo(ack);
    assertThat(wireRoundTrip(delivery)).isEqualTo(delivery);
  }

  @Test
  @DisplayName("Records pass through the local event bus as the same immutable instance")
  void localDelivery(Vertx vertx, VertxTestContext ctx) {
    Codecs.registerAll(vertx);
    SendAck ack = new SendAck(1, "d:1:2", 2, 3);
    vertx.eventBus().<SendAck>consumer("test.codec", m -> ctx.verify(() -> {
      assertThat(m.body()).isSameAs(ack);
      ctx.completeNow();
    })).completion().onSuccess(v -> vertx.eventBus().send("test.codec", ack));
  }
}
