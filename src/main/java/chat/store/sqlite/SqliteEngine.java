package chat.store.sqlite;

import chat.store.GroupCommit;
import chat.store.GroupCommit.Pending;
import io.vertx.core.Future;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SQLite database in WAL mode, with a single writer thread that group-commits and a small
 * pool of reader threads. No JDBC call ever runs on an event loop.
 *
 * <p>Group commit: writes queue up; the writer thread takes everything queued (up to
 * {@code batchMax}), runs them, commits once and only then completes the callers' futures. One
 * failing write fails alone: should any write of a batch throw, the batch is rolled back and run
 * again with each write inside its own savepoint. With {@code synchronous=FULL} that is
 * one WAL fsync per batch, not per message, and a completed write survives kill -9 and power loss.
 * Writes run in submission order, which the router relies on for per-conversation order.
 *
 * <p>WAL checkpoints run off the writer. Left to SQLite, the commit that crosses 1,000 WAL pages
 * copies them into the database file and fsyncs it inside that commit, a 5–10 ms stall for every
 * write queued behind it, several times a second under load. Here a checkpointer thread copies
 * pages with its own connection ({@code PASSIVE}, never blocking the writer) every
 * {@value #CHECKPOINT_INTERVAL_MS} ms while there are commits (backing off to
 * {@value #CHECKPOINT_IDLE_MS} ms when there are none); once the WAL holds
 * {@code walCheckpointPages} pages and the checkpointer has copied all but the last
 * {@value #CHECKPOINT_TAIL_PAGES}, it asks the writer to copy that tail between two batches, so
 * the WAL is fully copied and the next commit starts it over from its beginning (a passive
 * checkpoint alone never catches a WAL that is always being appended to, and the WAL would grow
 * without bound). SQLite's own checkpoint stays as the backstop, at four times that size, should
 * the checkpointer fall behind.
 */
public final class SqliteEngine {
  private static final Logger LOG = LoggerFactory.getLogger(SqliteEngine.class);

  /** A unit of database work run on one of the engine's threads. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Db db) throws Exception;
  }

  /** A connection with its prepared statements cached; owned by exactly one thread. */
  public static final class Db {
    final Connection connection;
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    Db(Connection connection) {
      this.connection = connection;
    }

    public PreparedStatement prepare(String sql) throws SQLException {
      PreparedStatement ps = statements.get(sql);
      if (ps == null) {
        ps = connection.prepareStatement(sql);
        statements.put(sql, ps);
      }
      ps.clearParameters();
      return ps;
    }

    void close() {
      try {
        for (PreparedStatement ps : statements.values()) {
          ps.close();
        }
        connection.close();
      } catch (SQLException e) {
        LOG.warn("closing sqlite connection: {}", e.getMessage());
      }
    }
  }

  /**
   * A pass copies each page once, however often the commits since the last pass rewrote it: every
   * 40 ms instead of every 10 the checkpointer spends half the CPU and the closed loop delivers 5–13 %
   * more (docs/performance.md, change 12); the WAL restarts take a little longer.
   */
  private static final long CHECKPOINT_INTERVAL_MS = 40;
  private static final int CHECKPOINT_TAIL_PAGES = 100;
  private static final long CHECKPOINT_RETRY_MS = 1_000;
  private static final long CHECKPOINT_IDLE_MS = 100;
  private static final String CHECKPOINT = "PRAGMA wal_checkpoint(PASSIVE)";

  private final Path file;
  private final int readerThreads;
  private final int batchMax;
  private final int walCheckpointPages;
  private final GroupCommit<Work<?>> queue = new GroupCommit<>();
  private final List<Runnable> rollbackListeners = new CopyOnWriteArrayList<>();
  private final List<Db> readerDbs = new CopyOnWriteArrayList<>();
  private final ThreadLocal<Db> readerDb = new ThreadLocal<>();
  private Db writer;
  private Thread writerThread;
  private Thread checkpointerThread;
  private final AtomicBoolean walTailToCopy = new AtomicBoolean();
  private final AtomicLong walRestarts = new AtomicLong();
  private ExecutorService readers;

  /**
   * @param walCheckpointPages WAL size, in pages, at which the writer copies the checkpointer's tail
   *     so that the WAL starts over (SQLite's own checkpoint, the backstop, at four times that)
   */
  public SqliteEngine(Path file, int readerThreads, int batchMax, int walCheckpointPages) {
    if (walCheckpointPages < 2 * CHECKPOINT_TAIL_PAGES) {
      throw new IllegalArgumentException("walCheckpointPages must be at least " + 2 * CHECKPOINT_TAIL_PAGES);
    }
    this.file = file;
    this.readerThreads = readerThreads;
    this.batchMax = batchMax;
    this.walCheckpointPages = walCheckpointPages;
  }

  /** Blocking: opens the database and applies {@code schema}. Call from a worker thread. */
  public void open(List<String> schema) throws Exception {
    Files.createDirectories(file.toAbsolutePath().getParent());
    writer = new Db(connect(false));
    try (Statement st = writer.connection.createStatement()) {
      st.execute("PRAGMA journal_mode=WAL");
      st.execute("PRAGMA wal_autocheckpoint=" + 4 * walCheckpointPages);
      for (String ddl : schema) {
        st.execute(ddl);
      }
    }
    writer.connection.setAutoCommit(false);
    AtomicInteger readerNo = new AtomicInteger();
    readers = Executors.newFixedThreadPool(readerThreads, r -> {
      Thread t = new Thread(r, "sqlite-reader-" + readerNo.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    Connection checkpointer = connect(false);
    checkpointerThread = new Thread(() -> checkpointLoop(checkpointer), "sqlite-checkpointer");
    checkpointerThread.setDaemon(true);
    checkpointerThread.start();
    writerThread = new Thread(this::writeLoop, "sqlite-writer");
    writerThread.setDaemon(true);
    writerThread.start();
  }

  /** How often the writer has copied the WAL's last pages so that the WAL started over. */
  long walRestarts() {
    return walRestarts.get();
  }

  /** Copies committed WAL pages into the database file until interrupted; see the class comment. */
  private void checkpointLoop(Connection connection) {
    try (connection; PreparedStatement checkpoint = connection.prepareStatement(CHECKPOINT)) {
      int lastWalPages = -1;
      long pause = CHECKPOINT_INTERVAL_MS;
      while (!Thread.currentThread().isInterrupted()) {
        int walPages;
        int copied;
        try (ResultSet result = checkpoint.executeQuery()) {
          result.next();
          walPages = result.getInt(2);
          copied = result.getInt(3);
        } catch (SQLException e) {
          LOG.warn("WAL checkpoint failed, retrying in {} ms; SQLite's own checkpoint covers meanwhile: {}",
              CHECKPOINT_RETRY_MS, e.getMessage());
          Thread.sleep(CHECKPOINT_RETRY_MS);
          continue;
        }
        int left = walPages - copied;
        if (walPages >= walCheckpointPages && left <= CHECKPOINT_TAIL_PAGES) {
          walTailToCopy.set(true);
        }
        // an idle node (no commit since the last pass) is polled less often, down to 10 times a second:
        // rarer, and the first second of a burst could outrun the checkpointer up to the backstop
        pause = walPages == lastWalPages ? Math.min(2 * pause, CHECKPOINT_IDLE_MS) : CHECKPOINT_INTERVAL_MS;
        lastWalPages = walPages;
        if (left <= CHECKPOINT_TAIL_PAGES || walPages < walCheckpointPages) {
          Thread.sleep(pause);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (SQLException e) {
      LOG.warn("closing the checkpointer's connection: {}", e.getMessage());
    }
  }

  /** On the writer, between batches: copies the WAL's last pages, so the next commit starts it over. */
  private void copyWalTail() {
    try (ResultSet result = writer.prepare(CHECKPOINT).executeQuery()) {
      result.next();
      if (result.getInt(1) == 0 && result.getInt(2) == result.getInt(3)) {
        walRestarts.incrementAndGet();
      }
    } catch (SQLException e) {
      LOG.warn("WAL checkpoint on the writer failed: {}", e.getMessage());
    }
  }

  private Connection connect(boolean readOnly) throws SQLException {
    Properties props = new Properties();
    props.setProperty("journal_mode", "WAL");
    // FULL: the WAL is fsynced at every commit, so an acked write survives power loss, not just a crash.
    props.setProperty("synchronous", readOnly ? "NORMAL" : "FULL");
    props.setProperty("busy_timeout", "5000");
    props.setProperty("foreign_keys", "false");
    // A write's savepoint journal stays in memory: on disk (the default) it spilled to a temp file
    // whenever one write touched more than 64 KiB of pages, and a new message is one such write.
    props.setProperty("temp_store", "MEMORY");
    // No adapter reads generated keys; left on, the driver compiles and runs "SELECT last_insert_rowid()"
    // after every INSERT (~7 % of the writer thread in a 1:1 profile).
    props.setProperty("jdbc.get_generated_keys", "false");
    if (readOnly) {
      props.setProperty("open_mode", "1"); // SQLITE_OPEN_READONLY
    }
    return DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), props);
  }

  /**
   * Called (on the writer thread) when a batch is rolled back, to be run again or failed, so adapters
   * drop write-side caches. A write's work may therefore run twice; it must change nothing but the
   * database and such caches.
   */
  public void onRollback(Runnable listener) {
    rollbackListeners.add(listener);
  }

  /** Queues a write; the future completes once the batch holding it is committed (durable). */
  public <T> Future<T> write(Work<T> work) {
    return queue.submit(work);
  }

  /** Runs a read on a reader thread against the newest committed state. */
  public <T> Future<T> read(Work<T> work) {
    return GroupCommit.read(readers, () -> work.run(readerConnection()));
  }

  private Db readerConnection() throws SQLException {
    Db db = readerDb.get();
    if (db == null) {
      db = new Db(connect(true));
      readerDb.set(db);
      readerDbs.add(db);
    }
    return db;
  }

  private void writeLoop() {
    List<Pending<Work<?>>> batch = new ArrayList<>(batchMax);
    boolean more = true;
    while (more) {
      try {
        more = queue.next(batch, batchMax);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (!batch.isEmpty()) {
        runBatch(batch);
      }
      if (walTailToCopy.getAndSet(false)) {
        copyWalTail();
      }
      batch.clear();
    }
  }

  private void runBatch(List<Pending<Work<?>>> batch) {
    Object[] results = new Object[batch.size()];
    Throwable[] failures = new Throwable[batch.size()];
    if (!runTogether(batch, results)) {
      runEachInSavepoint(batch, results, failures);
    }
    try {
      writer.connection.commit();
    } catch (Throwable commitFailure) {
      LOG.error("group commit of {} writes failed", batch.size(), commitFailure);
      rollbackBatch();
      for (int i = 0; i < batch.size(); i++) {
        failures[i] = commitFailure;
      }
    }
    GroupCommit.completeAll(batch, results, failures);
  }

  /**
   * Runs the batch's writes one after another with no savepoints, which cost ~5 % of the writer's
   * CPU per message when every write paid for two. False when one of them threw: the batch is then
   * rolled back whole, and every adapter's write-side cache dropped, to be run again write by write.
   */
  private boolean runTogether(List<Pending<Work<?>>> batch, Object[] results) {
    try {
      for (int i = 0; i < batch.size(); i++) {
        results[i] = batch.get(i).work().run(writer);
      }
      return true;
    } catch (Throwable e) {
      rollbackBatch();
      return false;
    }
  }

  /** Runs each write inside its own savepoint, so one failing write fails alone. */
  private void runEachInSavepoint(List<Pending<Work<?>>> batch, Object[] results, Throwable[] failures) {
    for (int i = 0; i < batch.size(); i++) {
      boolean opened = false;
      try {
        writer.prepare("SAVEPOINT write").execute();
        opened = true;
        results[i] = batch.get(i).work().run(writer);
        writer.prepare("RELEASE write").execute();
      } catch (Throwable e) {
        failures[i] = e;
        if (opened) {
          rollbackWrite();
        }
      }
    }
  }

  private void rollbackBatch() {
    try {
      writer.connection.rollback();
    } catch (SQLException ignored) {
      // nothing of the batch is committed either way; a connection that cannot roll back fails the next commit
    }
    rollbackListeners.forEach(Runnable::run);
  }

  /**
   * Undoes the current write's changes. Savepoints are cached statements with one fixed name (writes
   * never nest): JDBC's setSavepoint would format a fresh name and compile new SQL for every write.
   */
  private void rollbackWrite() {
    try {
      writer.prepare("ROLLBACK TO write").execute();
      writer.prepare("RELEASE write").execute();
    } catch (SQLException e) {
      LOG.warn("rollback to savepoint failed: {}", e.getMessage());
    }
  }

  /** Blocking: drains queued writes, then closes every connection. Call from a worker thread. */
  public void close() throws InterruptedException {
    queue.close();
    if (checkpointerThread != null) {
      checkpointerThread.interrupt();
      checkpointerThread.join(TimeUnit.SECONDS.toMillis(30));
    }
    if (writerThread != null) {
      writerThread.join(TimeUnit.SECONDS.toMillis(30));
      writer.close();
    }
    if (readers != null) {
      readers.shutdown();
      readers.awaitTermination(10, TimeUnit.SECONDS);
      readerDbs.forEach(Db::close);
    }
  }
}
