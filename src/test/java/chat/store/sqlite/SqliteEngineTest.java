package chat.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import chat.store.InboxEvent;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@DisplayName("The SQLite engine's group commit")
class SqliteEngineTest {
  @TempDir
  Path dataDir;
  private SqliteEngine engine;

  @AfterEach
  void close() throws Exception {
    if (engine != null) {
      engine.close();
    }
  }

  @Test
  @DisplayName("completes writes issued from event-bus handlers in the order they were queued, each on its handler's context")
  void completionsKeepQueueOrderAcrossHandlerContexts(Vertx vertx, VertxTestContext testContext) throws Exception {
    engine = new SqliteEngine(dataDir.resolve("t.db"), 1, 64, 4000);
    engine.open(List.of());
    int writes = 50;
    CountDownLatch queued = new CountDownLatch(writes);
    // holds the writer until every handler has queued its write, so the 50 share one batch
    engine.write(db -> {
      awaitQuietly(queued);
      return null;
    });
    List<Integer> completed = new ArrayList<>(); // touched only on the consumer's event loop
    vertx.eventBus().<Integer>consumer("test.writes", message -> {
      Context handler = Vertx.currentContext(); // a duplicate of the consumer's context, one per message
      int n = message.body();
      Future<Integer> write = engine.write(db -> n);
      queued.countDown();
      write.onComplete(testContext.succeeding(value -> testContext.verify(() -> {
        assertThat(Vertx.currentContext()).isSameAs(handler);
        completed.add(value);
        if (completed.size() == writes) {
          assertThat(completed).isEqualTo(IntStream.range(0, writes).boxed().toList());
          testContext.completeNow();
        }
      })));
    }).completion().onComplete(testContext.succeeding(registered -> {
      for (int i = 0; i < writes; i++) {
        vertx.eventBus().send("test.writes", i);
      }
    }));
  }

  @Test
  @DisplayName("fails a failing write alone: the others of its batch commit, and none of its own changes remain")
  void failingWriteFailsAlone(Vertx vertx, VertxTestContext testContext) throws Exception {
    engine = new SqliteEngine(dataDir.resolve("t.db"), 1, 64, 4000);
    engine.open(List.of("CREATE TABLE t (k TEXT PRIMARY KEY)"));
    CountDownLatch queued = new CountDownLatch(1);
    vertx.runOnContext(v -> {
      // the first write holds the writer until the next three are queued, so they share one batch
      Future<Object> holder = engine.write(db -> {
        awaitQuietly(queued);
        return insert(db, "first");
      });
      Future<Object> a = engine.write(db -> insert(db, "a"));
      Future<Object> failing = engine.write(db -> {
        insert(db, "b");
        return insert(db, "a"); // primary key violation, after a change of its own
      });
      Future<Object> c = engine.write(db -> insert(db, "c"));
      queued.countDown();
      Future.join(holder, a, failing, c)
          .otherwiseEmpty() // one of them fails by design; the outcomes are checked one by one
          .compose(done -> engine.read(SqliteEngineTest::keys))
          .onComplete(testContext.succeeding(keys -> testContext.verify(() -> {
            assertThat(holder.succeeded()).isTrue();
            assertThat(a.succeeded()).isTrue();
            assertThat(c.succeeded()).isTrue();
            assertThat(failing.failed()).isTrue();
            assertThat(failing.cause()).isInstanceOf(SQLException.class);
            assertThat(keys).containsExactly("a", "c", "first");
            testContext.completeNow();
          })));
    });
  }

  @Test
  @DisplayName("runs a batch with a failing write again from a clean start: inbox seqs stay gapless")
  void batchRunAgainKeepsInboxSeqsGapless(Vertx vertx, VertxTestContext testContext) throws Exception {
    engine = new SqliteEngine(dataDir.resolve("t.db"), 1, 64, 4000);
    engine.open(SqliteInboxStore.SCHEMA);
    SqliteInboxStore inbox = new SqliteInboxStore(engine);
    CountDownLatch queued = new CountDownLatch(1);
    vertx.runOnContext(v -> {
      // the first write holds the writer until the rest are queued, so they share the next batch: its
      // first append runs, is undone with the batch when the failing write throws, and runs again; the
      // writer's cache of newest seqs must forget the seq the undone run assigned
      Future<Object> holder = engine.write(db -> {
        awaitQuietly(queued);
        return null;
      });
      Future<List<InboxEvent>> first = inbox.append(List.of(InboxEvent.pending("u1", 1, "{\"n\":1}")));
      Future<Object> failing = engine.write(db -> {
        throw new SQLException("refused");
      });
      Future<List<InboxEvent>> second = inbox.append(List.of(InboxEvent.pending("u1", 2, "{\"n\":2}")));
      queued.countDown();
      Future.join(holder, first, failing, second)
          .otherwiseEmpty() // the failing write fails by design
          .compose(done -> inbox.append(List.of(InboxEvent.pending("u1", 3, "{\"n\":3}"))))
          .compose(third -> inbox.after("u1", 0, 10))
          .onComplete(testContext.succeeding(stored -> testContext.verify(() -> {
            assertThat(failing.failed()).isTrue();
            assertThat(first.result()).extracting(InboxEvent::seq).containsExactly(1L);
            assertThat(second.result()).extracting(InboxEvent::seq).containsExactly(2L);
            assertThat(stored).extracting(InboxEvent::seq).containsExactly(1L, 2L, 3L);
            assertThat(stored).extracting(InboxEvent::eventId).containsExactly(1L, 2L, 3L);
            testContext.completeNow();
          })));
    });
  }

  @Test
  @DisplayName("checkpoints the WAL off the writer thread and starts it over, so it stays bounded and every row stays readable")
  void checkpointsOffTheWriter(Vertx vertx, VertxTestContext testContext) throws Exception {
    // large enough that the WAL cannot outgrow the backstop while the checkpointer sleeps between
    // passes (tens of milliseconds), however fast this machine commits
    int walCheckpointPages = 2_000;
    engine = new SqliteEngine(dataDir.resolve("t.db"), 1, 64, walCheckpointPages);
    engine.open(List.of("CREATE TABLE t (k TEXT PRIMARY KEY, v BLOB)"));
    vertx.runOnContext(v -> writeUntilRestarted(0)
        .compose(written -> engine.read(SqliteEngineTest::keys).map(keys -> keys.size() == written))
        .onComplete(testContext.succeeding(allThere -> testContext.verify(() -> {
          assertThat(engine.walRestarts()).isPositive();
          assertThat(allThere).isTrue();
          // one commit per write, ~2 pages each: without restarts the WAL would pass SQLite's backstop
          assertThat(Files.size(dataDir.resolve("t.db-wal"))).isLessThan(4L * walCheckpointPages * (4096 + 24) + 32);
          testContext.completeNow();
        }))));
    assertThat(testContext.awaitCompletion(60, TimeUnit.SECONDS)).isTrue();
  }

  /** One write (one commit) after another, each a page-sized row, until the WAL has started over at least twice. */
  private Future<Integer> writeUntilRestarted(int written) {
    if (engine.walRestarts() >= 2 || written >= 20_000) {
      return Future.succeededFuture(written);
    }
    return engine.write(db -> {
      PreparedStatement insert = db.prepare("INSERT INTO t (k, v) VALUES (?, ?)");
      insert.setString(1, "k" + written);
      insert.setBytes(2, new byte[3000]);
      return insert.executeUpdate();
    }).compose(done -> writeUntilRestarted(written + 1));
  }

  private static Object insert(SqliteEngine.Db db, String key) throws SQLException {
    PreparedStatement ps = db.prepare("INSERT INTO t (k) VALUES (?)");
    ps.setString(1, key);
    return ps.executeUpdate();
  }

  private static List<String> keys(SqliteEngine.Db db) throws SQLException {
    List<String> keys = new ArrayList<>();
    try (ResultSet rs = db.prepare("SELECT k FROM t ORDER BY k").executeQuery()) {
      while (rs.next()) {
        keys.add(rs.getString(1));
      }
    }
    return keys;
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
