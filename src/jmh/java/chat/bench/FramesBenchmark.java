package chat.bench;

import chat.protocol.Frames;
import chat.store.Message;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The per-message JSON work of a 1:1 send on the embedded profile: the server decodes the client's
 * {@code send} frame, encodes the inbox event twice (sender's copy with the client id, recipient's
 * without), inserts the seq into the pushed copy, and encodes the {@code ack}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FramesBenchmark {
  private final String sendFrame = new JsonObject().put("type", "send").put("id", "3-1234.98765432101234")
      .put("to", "384817237531295744").put("kind", "text").put("body", "x".repeat(100)).encode();
  private final Message message = new Message(384817344809009152L, "d:384817237275443200:384817237531295744",
      "384817237275443200", "phone-1", "3-1234.98765432101234", "text", "x".repeat(100), 1795814804563L);
  private final String storedEvent = Frames.messageEvent(message);

  @Benchmark
  public String decodeSend() {
    JsonObject frame = new JsonObject(sendFrame);
    return frame.getString("type") + frame.getString("id") + frame.getString("to") + frame.getString("body");
  }

  @Benchmark
  public String encodeMessageEvent() {
    return Frames.withClientId(Frames.messageEvent(message), message.clientId());
  }

  @Benchmark
  public String insertSeq() {
    return Frames.withSeq(storedEvent, 4242);
  }

  @Benchmark
  public String encodeAck() {
    return new JsonObject().put("type", "ack").put("id", message.clientId()).put("msgId", Long.toString(message.msgId()))
        .put("conversation", message.conversationId()).put("ts", message.ts()).put("seq", 43L).encode();
  }
}
