package chat.load;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Fills a direct conversation with messages before a measurement (nothing timed): {@code count}
 * sends from one socket to one user, {@code window} in flight, through the wire protocol like any
 * client. Completes with the msgIds acked, in msgId order (history's order: acks of sends in flight
 * together arrive in any order); fails on the first error.
 */
final class Seeder {
  private static final int WINDOW = 200;

  private Seeder() {
  }

  static Future<long[]> seed(Vertx vertx, LoadSocket from, String toUserId, int count, int size, PrintStream out) {
    long[] msgIds = new long[count];
    AtomicInteger acked = new AtomicInteger();
    Promise<long[]> done = Promise.promise();
    SendLoop loop = new SendLoop(vertx, 1, WINDOW, 0, count, WINDOW, (slot, message, start) -> {
      String id = Stamp.id(slot, message, start);
      from.send(new JsonObject().put("type", "send").put("id", id).put("to", toUserId).put("kind", "text")
          .put("body", Stamp.body(id, size)));
    }, new LongAdder(), new LongAdder());
    from.onFrame(frame -> {
      switch (String.valueOf(frame.getString("type"))) {
        case "ack" -> {
          int n = acked.getAndIncrement();
          if (n < count) {
            msgIds[n] = Long.parseLong(frame.getString("msgId"));
          }
          if (n + 1 == count) {
            Arrays.sort(msgIds);
            done.tryComplete(msgIds);
          }
          loop.completed(0);
        }
        case "error" -> {
          loop.stop();
          done.tryFail("seeding failed: " + frame.encode());
        }
        default -> { }
      }
    });
    long progress = vertx.setPeriodic(1000, id -> out.printf(Locale.ROOT, "  seeding %,d/%,d%n", acked.get(), count));
    loop.start();
    return done.future()
        .eventually(() -> {
          vertx.cancelTimer(progress);
          from.onFrame(frame -> { });
          return Future.succeededFuture();
        });
  }
}
