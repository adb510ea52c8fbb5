package chat.bench;

import chat.pipeline.DirectPipeline;
import chat.store.Message;
import chat.store.sqlite.SqliteStores;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the embedded pipeline asks of SQLite per 1:1 message: the history row and both
 * participants' inbox events, durable (fsync) before the futures complete. {@code inFlight}
 * messages are submitted at once, so the single writer commits them in groups, as under load;
 * the score is the time per message.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SqliteAppendBenchmark {
  private static final int IN_FLIGHT = 256;

  @Param({"1", "256"})
  public int inFlight;

  private Vertx vertx;
  private Path dir;
  private SqliteStores stores;
  private long nextId = 1;

  @Setup(Level.Trial)
  public void open() throws Exception {
    vertx = Vertx.vertx();
    dir = Files.createTempDirectory("sqlite-bench");
    stores = new SqliteStores(vertx, dir, 2, 512, 4000);
    stores.open().await();
  }

  @TearDown(Level.Trial)
  public void close() throws Exception {
    stores.close().await();
    vertx.close().await();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  @OperationsPerInvocation(IN_FLIGHT)
  public void appendMessages() {
    List<Future<?>> writes = new ArrayList<>(IN_FLIGHT);
    for (int i = 0; i < IN_FLIGHT; i += inFlight) {
      writes.clear();
      for (int j = 0; j < inFlight; j++) {
        long id = nextId++;
        String sender = Long.toString(1000 + id % 50);
        String recipient = Long.toString(2000 + id % 50);
        Message message = new Message(id, "d:" + sender + ":" + recipient, sender, "d", "c" + id, "text",
            "x".repeat(100), id);
        List<String> participants = List.of(sender, recipient);
        writes.add(stores.messages().append(message, participants));
        writes.add(stores.inbox().append(DirectPipeline.inboxEvents(message, participants)));
      }
      Future.all(writes).await();
    }
  }
}
