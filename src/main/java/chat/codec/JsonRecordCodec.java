package chat.codec;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * Event-bus codec for an immutable record: within a node the record itself is passed (no copy is
 * needed, it cannot change); across nodes it travels as length-prefixed UTF-8 JSON.
 */
public final class JsonRecordCodec<T> implements MessageCodec<T, T> {
  private final Class<T> type;
  private final Function<T, JsonObject> toJson;
  private final Function<JsonObject, T> fromJson;

  public JsonRecordCodec(Class<T> type, Function<T, JsonObject> toJson, Function<JsonObject, T> fromJson) {
    this.type = type;
    this.toJson = toJson;
    this.fromJson = fromJson;
  }

  @Override
  public void encodeToWire(Buffer buffer, T value) {
    byte[] bytes = toJson.apply(value).encode().getBytes(StandardCharsets.UTF_8);
    buffer.appendInt(bytes.length).appendBytes(bytes);
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    String json = new String(buffer.getBytes(pos + 4, pos + 4 + length), StandardCharsets.UTF_8);
    return fromJson.apply(new JsonObject(json));
  }

  @Override
  public T transform(T value) {
    return value;
  }

  @Override
  public String name() {
    return "chat." + type.getSimpleName();
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }

  public Class<T> type() {
    return type;
  }
}
