package chat.codec;

import chat.protocol.Delivery;
import chat.protocol.SendAck;
import chat.protocol.SendCommand;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import java.util.List;

/** Registers every event-bus codec, once per Vertx instance, at start-up. */
public final class Codecs {
  static final List<JsonRecordCodec<?>> ALL = List.of(
      new JsonRecordCodec<>(SendCommand.class, SendCommand::toJson, SendCommand::fromJson),
      new JsonRecordCodec<>(SendAck.class, SendAck::toJson, SendAck::fromJson),
      new JsonRecordCodec<>(Delivery.class, Delivery::toJson, Delivery::fromJson));

  private Codecs() {
  }

  public static void registerAll(Vertx vertx) {
    EventBus bus = vertx.eventBus();
    ALL.forEach(codec -> register(bus, codec));
  }

  /** Lets a node be started again on the same Vertx (tests do). */
  public static void unregisterAll(Vertx vertx) {
    EventBus bus = vertx.eventBus();
    ALL.forEach(codec -> bus.unregisterDefaultCodec(codec.type()));
  }

  private static <T> void register(EventBus bus, JsonRecordCodec<T> codec) {
    bus.registerDefaultCodec(codec.type(), codec);
  }
}
