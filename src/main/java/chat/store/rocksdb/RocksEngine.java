package chat.store.rocksdb;

import chat.store.GroupCommit;
import chat.store.GroupCommit.Pending;
import com.sun.nio.file.ExtendedOpenOption;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.Env;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.Priority;
import org.rocksdb.RocksDB;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RocksDB database (a log-structured merge tree), with a single writer thread that
 * group-commits and a small pool of reader threads. No RocksDB call ever runs on an event loop.
 *
 * <p>Why an LSM for the hot tables: a B-tree (SQLite) rewrites whole 4 KiB pages, 7.5 of them per
 * message at 2000 senders, twice (WAL, then checkpoint); an LSM appends the changed bytes to its log
 * once and sorts them into files in the background (docs/performance.md, change 15).
 *
 * <p>Group commit: the writer takes everything queued (up to {@code batchMax}), runs each write
 * against one {@link Batch} (so a write reads what earlier writes of the batch put), then writes the
 * batch to the log with one fsync and only then completes the callers' futures. One failing write
 * fails alone: a throw drops just its own puts. Writes run in submission order, which the router relies on
 * for per-conversation order. A write changes its adapter's caches only once it has succeeded
 * ({@link Batch#onSuccess}), and a failed log write drops them all ({@link #onRollback}).
 *
 * <p>Column families: table {@code k} (idempotency claims, {@link RocksIdempotencyStore}) has its own,
 * {@value #CLAIMS_FAMILY}, with a whole-key bloom filter on its memtables; every other table is in the
 * default family. Keys pick their family by their tag byte ({@link #familyOf}), so adapters never
 * name one. Why: every new message looks its claim up and nearly always finds nothing; in the shared
 * memtables that miss was a full skip-list search, ~1/3 of the writer's CPU, while a filter over all
 * keys costs seven adds per message to save one search (docs/performance.md, change 24).
 */
public final class RocksEngine {
  private static final Logger LOG = LoggerFactory.getLogger(RocksEngine.class);
  private static final int MAX_OPEN_TABLE_FILES = 500;
  private static final long BYTES_PER_SYNC = 1 << 20;
  /**
   * Keys that share their first this many bytes share a memtable insert hint: a table's tag, the
   * 2-byte length and an id of up to 19 digits (user ids, Snowflakes since 2024, have 18 now and
   * 19 from 2031), so one user's inbox rows and conversation states, one sender's claims and one
   * conversation's history rows each keep a hint. Shorter keys (table {@code f}) take no hint.
   */
  static final int INSERT_HINT_PREFIX_BYTES = 22;
  /** The column family of table {@code k}. */
  static final String CLAIMS_FAMILY = "claims";
  /**
   * Claims are ~1/8 of a message's bytes (docs/operations.md): a quarter of the write buffer flushes
   * them about half as often as the other tables, so they keep the log's files alive only a little longer.
   */
  private static final int CLAIMS_WRITE_BUFFER_SHARE = 4;
  /** Memtable bloom bits as a share of the write buffer: ~40 bits per claim, false positives ~0.01 %. */
  private static final double CLAIMS_MEMTABLE_BLOOM_RATIO = 0.05;
  /** Claims moved per write when an older data dir's are moved into their family at open. */
  private static final int CLAIMS_MOVED_PER_WRITE = 10_000;

  static {
    try {
      RocksDB.loadLibrary(); // before any RocksDB object is made: its classes need the native library
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      throw new IllegalStateException("RocksDB's native library (built for x86-64 Linux) does not load on this "
          + "machine; run with store.engine=sqlite (CHAT_STORE_ENGINE=sqlite)", e);
    }
  }

  /** Sizes of RocksDB's own memory, per node. */
  public record Settings(int readerThreads, int batchMax, long writeBufferBytes, long blockCacheBytes) {
  }

  /** A write's work, run on the writer thread against the open batch. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Batch batch) throws Exception;
  }

  /** A read's work, run on a reader thread against the last durable state. */
  @FunctionalInterface
  public interface Read<T> {
    T run(Reader reader) throws RocksDBException;
  }

  /** The database as of the last synced batch: readers never see a write that is not yet durable. */
  public final class Reader {
    private final ReadOptions atView;

    private Reader(ReadOptions atView) {
      this.atView = atView;
    }

    public byte[] get(byte[] key) throws RocksDBException {
      return db.get(familyOf(key), atView, key);
    }

    /** An iterator over the default family (every table but the claims); the caller closes it. */
    public RocksIterator newIterator() {
      return db.newIterator(atView);
    }
  }

  /**
   * A snapshot taken right after a batch reached the memtables, published to readers once the log
   * holding that batch is synced; released when it is replaced and no reader holds it any more.
   */
  private static final class View {
    private final RocksDB db;
    private final Snapshot snapshot;
    private final ReadOptions options;
    private final AtomicInteger holders = new AtomicInteger(1);

    View(RocksDB db) {
      this.db = db;
      this.snapshot = db.getSnapshot();
      this.options = new ReadOptions().setSnapshot(snapshot);
    }

    boolean acquire() {
      int n;
      do {
        n = holders.get();
        if (n == 0) {
          return false;
        }
      } while (!holders.compareAndSet(n, n + 1));
      return true;
    }

    void release() {
      if (holders.decrementAndGet() == 0) {
        db.releaseSnapshot(snapshot);
        options.close();
      }
    }
  }

  /** A batch in the memtables and the log, waiting for the log's sync; {@code view} null when it put nothing. */
  private record Written(List<Pending<Work<?>>> pending, Object[] results, Throwable[] failures, View view) {
  }

  /**
   * The writer's view of the database: what is durable, plus what the batch's earlier writes put,
   * plus what the running write has put so far. Puts are kept on the Java side (two hash maps); the
   * batch's last value of each key goes to a plain {@link WriteBatch} at the end, in the order the
   * batch first put the keys: with the memtable's insert hints a key's insert starts from where the
   * last one of its prefix went, whatever came between, so sorting the batch (change 19) no longer
   * paid for itself (docs/performance.md, change 23). RocksDB's indexed batch cost ~20 % of
   * the writer's CPU in a 1:1 profile, mostly maintaining its index on every put, and sorted maps
   * cost ~20 % again (docs/performance.md, change 16). Point reads, all a message's writes do, are
   * hash look-ups; the rare range reads (a user's newest seq on a cache miss, a read marker's unread
   * tail) sort just the pending keys in their range. A write that throws has its puts dropped, so
   * it fails alone.
   */
  public final class Batch {
    /** A deleted key, told apart from an empty value by identity. */
    private static final byte[] DELETED = new byte[0];
    /** A serialized write batch: an 8-byte sequence and a 4-byte count, little-endian, then the records. */
    private static final int WRITE_BATCH_HEADER = 12;
    /**
     * Record types of a serialized write batch (RocksDB's kTypeDeletion, kTypeValue, and their
     * column-family forms, which carry the family's id as a varint after the type).
     */
    private static final byte TYPE_DELETION = 0x0;
    private static final byte TYPE_VALUE = 0x1;
    private static final byte TYPE_FAMILY_DELETION = 0x4;
    private static final byte TYPE_FAMILY_VALUE = 0x5;
    /** In the order of each key's first put: table {@code f}'s event ids, too short for a hint, rise. */
    private final Map<Key, byte[]> batchPuts = new LinkedHashMap<>();
    private final Map<Key, byte[]> writePuts = new HashMap<>();
    private final List<Runnable> onSuccess = new ArrayList<>();

    /** A key as a hash-map key: byte arrays compare by identity. */
    private record Key(byte[] bytes, int hash) {
      Key(byte[] bytes) {
        this(bytes, Bytes.hash(bytes));
      }

      @Override
      public boolean equals(Object other) {
        return other instanceof Key key && key.hash == hash && Arrays.equals(key.bytes, bytes);
      }

      @Override
      public int hashCode() {
        return hash;
      }
    }

    private Batch() {
    }

    /**
     * Runs {@code cacheUpdate} once the current write has finished without throwing: a write's
     * changes to its adapter's caches, which must not outlive its puts should they be dropped.
     */
    public void onSuccess(Runnable cacheUpdate) {
      onSuccess.add(cacheUpdate);
    }

    public byte[] get(byte[] key) throws RocksDBException {
      byte[] value = pendingValue(new Key(key));
      if (value != null) {
        return value == DELETED ? null : value;
      }
      return db.get(familyOf(key), key);
    }

    public void put(byte[] key, byte[] value) {
      writePuts.put(new Key(key), value);
    }

    public void delete(byte[] key) {
      writePuts.put(new Key(key), DELETED);
    }

    /** The greatest key that starts with {@code prefix}, or null. */
    public byte[] lastKey(byte[] prefix) throws RocksDBException {
      byte[] ceiling = Bytes.ceiling(prefix);
      byte[] last = null;
      try (RocksIterator it = db.newIterator(familyOf(prefix))) {
        for (it.seekForPrev(ceiling); it.isValid() && Bytes.startsWith(it.key(), prefix); it.prev()) {
          byte[] key = it.key();
          if (pendingValue(new Key(key)) != DELETED) {
            last = key;
            break;
          }
        }
        it.status();
      }
      NavigableMap<byte[], byte[]> pending = pendingRange(prefix, prefix, ceiling);
      for (Map.Entry<byte[], byte[]> entry : pending.descendingMap().entrySet()) {
        if (entry.getValue() != DELETED) {
          if (last == null || Arrays.compareUnsigned(entry.getKey(), last) > 0) {
            last = entry.getKey();
          }
          break;
        }
      }
      return last;
    }

    /** Visits, in key order, every live key from {@code from} on that starts with {@code prefix}. */
    public void scan(byte[] from, byte[] prefix, BiConsumer<byte[], byte[]> visitor) throws RocksDBException {
      byte[] ceiling = Bytes.ceiling(prefix);
      NavigableMap<byte[], byte[]> pending = pendingRange(prefix, from, ceiling);
      Iterator<Map.Entry<byte[], byte[]>> overlay = pending.entrySet().iterator();
      Map.Entry<byte[], byte[]> next = overlay.hasNext() ? overlay.next() : null;
      try (RocksIterator it = db.newIterator(familyOf(prefix))) {
        for (it.seek(from); it.isValid() && Bytes.startsWith(it.key(), prefix); it.next()) {
          byte[] key = it.key();
          while (next != null && Arrays.compareUnsigned(next.getKey(), key) < 0) {
            visitLive(next, visitor);
            next = overlay.hasNext() ? overlay.next() : null;
          }
          if (next != null && Arrays.equals(next.getKey(), key)) {
            continue; // the pending value replaces the durable one, and is visited in its turn
          }
          visitor.accept(key, it.value());
        }
        it.status();
      }
      while (next != null) {
        visitLive(next, visitor);
        next = overlay.hasNext() ? overlay.next() : null;
      }
    }

    private static void visitLive(Map.Entry<byte[], byte[]> entry, BiConsumer<byte[], byte[]> visitor) {
      if (entry.getValue() != DELETED) {
        visitor.accept(entry.getKey(), entry.getValue());
      }
    }

    private byte[] pendingValue(Key key) {
      byte[] value = writePuts.get(key);
      return value != null ? value : batchPuts.get(key);
    }

    /** The batch's and the running write's puts with keys in [from, ceiling) and the prefix, the write's winning. */
    private NavigableMap<byte[], byte[]> pendingRange(byte[] prefix, byte[] from, byte[] ceiling) {
      TreeMap<byte[], byte[]> range = new TreeMap<>(Arrays::compareUnsigned);
      addInRange(batchPuts, range, prefix, from, ceiling);
      addInRange(writePuts, range, prefix, from, ceiling);
      return range;
    }

    private static void addInRange(Map<Key, byte[]> puts, TreeMap<byte[], byte[]> range, byte[] prefix, byte[] from,
                                   byte[] ceiling) {
      for (Map.Entry<Key, byte[]> entry : puts.entrySet()) {
        byte[] key = entry.getKey().bytes();
        if (Bytes.startsWith(key, prefix) && Arrays.compareUnsigned(key, from) >= 0
            && Arrays.compareUnsigned(key, ceiling) < 0) {
          range.put(key, entry.getValue());
        }
      }
    }

    /** The running write succeeded: its puts join the batch, its cache updates apply. */
    private void keepWrite() {
      batchPuts.putAll(writePuts);
      writePuts.clear();
      onSuccess.forEach(Runnable::run);
      onSuccess.clear();
    }

    /**
     * The batch's puts, as one serialized {@link WriteBatch} (RocksDB's own format:
     * sequence and count, then per key a type byte, for a claim the claims family's id, and the
     * length-prefixed key and value), made in one call instead of one native call per put. The
     * caller closes it.
     */
    private WriteBatch serializedWrites() {
      Collection<Map.Entry<Key, byte[]>> puts = batchPuts.entrySet();
      int size = WRITE_BATCH_HEADER;
      for (Map.Entry<Key, byte[]> put : puts) {
        byte[] key = put.getKey().bytes();
        byte[] value = put.getValue();
        size += 1 + varintSize(key.length) + key.length;
        if (isClaim(key)) {
          size += varintSize(claimsId);
        }
        if (value != DELETED) {
          size += varintSize(value.length) + value.length;
        }
      }
      ByteBuffer rep = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
      rep.putLong(0).putInt(puts.size()); // the sequence is set by the write
      for (Map.Entry<Key, byte[]> put : puts) {
        byte[] key = put.getKey().bytes();
        byte[] value = put.getValue();
        if (isClaim(key)) {
          rep.put(value == DELETED ? TYPE_FAMILY_DELETION : TYPE_FAMILY_VALUE);
          putVarint(rep, claimsId);
        } else {
          rep.put(value == DELETED ? TYPE_DELETION : TYPE_VALUE);
        }
        putVarString(rep, key);
        if (value != DELETED) {
          putVarString(rep, value);
        }
      }
      return new WriteBatch(rep.array());
    }

    private static int varintSize(int n) {
      int size = 1;
      while ((n >>>= 7) != 0) {
        size++;
      }
      return size;
    }

    private static void putVarString(ByteBuffer rep, byte[] bytes) {
      putVarint(rep, bytes.length);
      rep.put(bytes);
    }

    private static void putVarint(ByteBuffer rep, int n) {
      while ((n & ~0x7F) != 0) {
        rep.put((byte) (n & 0x7F | 0x80));
        n >>>= 7;
      }
      rep.put((byte) n);
    }

    private void dropWrite() {
      writePuts.clear();
      onSuccess.clear();
    }

    private void clear() {
      batchPuts.clear();
      dropWrite();
    }
  }

  private final Path dir;
  private final Settings settings;
  private final GroupCommit<Work<?>> queue = new GroupCommit<>();
  private final List<Runnable> rollbackListeners = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> natives = new ArrayList<>();
  private final BlockingQueue<Written> toSync = new LinkedBlockingQueue<>();
  private final Written syncerStop = new Written(List.of(), new Object[0], new Throwable[0], null);
  private final AtomicReference<View> view = new AtomicReference<>();
  private RocksDB db;
  private ColumnFamilyHandle defaultFamily;
  private ColumnFamilyHandle claims;
  /** The claims family's id, as a serialized batch names it. */
  private int claimsId;
  private WriteOptions durable;
  private WriteOptions unsynced;
  private Thread writerThread;
  private Thread syncerThread;
  private ExecutorService readers;

  public RocksEngine(Path dir, Settings settings) {
    this.dir = dir;
    this.settings = settings;
  }

  /** Blocking: opens (or creates) the database. Call from a worker thread. */
  public void open() throws Exception {
    Files.createDirectories(dir);
    LRUCache blockCache = new LRUCache(settings.blockCacheBytes());
    BloomFilter bloom = new BloomFilter(10, false);
    BlockBasedTableConfig tableFormat = new BlockBasedTableConfig().setBlockCache(blockCache).setFilterPolicy(bloom);
    DBOptions dbOptions = new DBOptions()
        .setCreateIfMissing(true)
        .setCreateMissingColumnFamilies(true)
        .setMaxBackgroundJobs(2)
        // table files kept open at most (an LRU beyond): unbounded, a large database would eat into the
        // open-file cap that client sockets need (docs/operations.md, "Limits and open files")
        .setMaxOpenFiles(MAX_OPEN_TABLE_FILES)
        .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
        .setKeepLogFileNum(3)
        // a flush or compaction syncs its file every MiB as it writes, instead of leaving tens of MiB
        // of dirty pages for the kernel to write back at once, which stalled the log's fsyncs behind
        // them: p99 at 12,000 msgs/s 11.5–26 → 8.4–9.1 ms (docs/performance.md, change 18)
        .setBytesPerSync(BYTES_PER_SYNC)
        // flushes and compactions write around the page cache: their tens of MiB of dirty pages no longer
        // sit in the ext4 journal commit that the log's fdatasync waits for (p99 at 19,000 msgs/s ~16.6 →
        // ~13 ms, docs/performance.md, change 21); a filesystem without O_DIRECT keeps buffered writes
        .setUseDirectIoForFlushAndCompaction(directIoWorks(dir));
    ColumnFamilyOptions tables = tableOptions(settings.writeBufferBytes(), tableFormat);
    ColumnFamilyOptions claimTables = tableOptions(settings.writeBufferBytes() / CLAIMS_WRITE_BUFFER_SHARE, tableFormat)
        .setMemtablePrefixBloomSizeRatio(CLAIMS_MEMTABLE_BLOOM_RATIO)
        .setMemtableWholeKeyFiltering(true);
    // fsync of the log at every group commit: an acked write survives power loss, not just a crash
    durable = new WriteOptions().setSync(true);
    unsynced = new WriteOptions();
    natives.addAll(List.of(durable, unsynced, dbOptions, tables, claimTables, bloom, blockCache));
    // compactions yield the CPU to the event loops and the writer (whose latency clients see); they
    // catch up when the node is less busy. Flushes keep normal priority: a flush that falls behind
    // stalls writes. The pools are the process's, so this holds for every database it opens.
    Env.getDefault().lowerThreadPoolCPUPriority(Priority.LOW);
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    db = RocksDB.open(dbOptions, dir.toString(), List.of(
        new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, tables),
        new ColumnFamilyDescriptor(CLAIMS_FAMILY.getBytes(StandardCharsets.UTF_8), claimTables)), handles);
    defaultFamily = handles.get(0);
    claims = handles.get(1);
    claimsId = claims.getID();
    moveClaimsToTheirFamily();
    view.set(new View(db));
    AtomicInteger readerNo = new AtomicInteger();
    readers = Executors.newFixedThreadPool(settings.readerThreads(), r -> {
      Thread t = new Thread(r, "rocksdb-reader-" + readerNo.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    syncerThread = new Thread(this::syncLoop, "rocksdb-syncer");
    syncerThread.setDaemon(true);
    syncerThread.start();
    writerThread = new Thread(this::writeLoop, "rocksdb-writer");
    writerThread.setDaemon(true);
    writerThread.start();
  }

  /**
   * A column family's options. RocksDB's skip list searches from the top for every key that is not
   * the next one after the previous insert, and a message's puts go to five tables, so each insert
   * was a full search (~30 % of the writer). With a hint per key prefix, an insert right after the
   * last one of its prefix (the next seq of an inbox, the next row of a conversation) starts where
   * that one ended: the memtable's inserts fell from 34 to 14 % of the writer (docs/performance.md,
   * change 22). RocksJava has no setter for the hint, so it is set by name.
   */
  private static ColumnFamilyOptions tableOptions(long writeBufferBytes, BlockBasedTableConfig tableFormat) {
    Properties hint = new Properties();
    hint.setProperty("memtable_insert_with_hint_prefix_extractor", "rocksdb.FixedPrefix." + INSERT_HINT_PREFIX_BYTES);
    ColumnFamilyOptions options = ColumnFamilyOptions.getColumnFamilyOptionsFromProps(hint);
    if (options == null) {
      throw new IllegalStateException("RocksDB refused memtable_insert_with_hint_prefix_extractor");
    }
    return options
        .setWriteBufferSize(writeBufferBytes)
        .setMaxWriteBufferNumber(3)
        // CPU, not disk, is what two cores run out of: Snappy was ~30 % of flush and compaction, which
        // were ~30 % of the node's CPU at full load. Flushed files stay uncompressed (they are merged
        // away soon), only the last level, where nearly all the data ends up, is compressed, with LZ4
        .setCompressionType(CompressionType.NO_COMPRESSION)
        .setBottommostCompressionType(CompressionType.LZ4_COMPRESSION)
        .setTableFormatConfig(tableFormat);
  }

  /** The column family that holds {@code key}'s table. */
  ColumnFamilyHandle familyOf(byte[] key) {
    return isClaim(key) ? claims : defaultFamily;
  }

  private static boolean isClaim(byte[] key) {
    return key.length > 0 && key[0] == RocksIdempotencyStore.TABLE;
  }

  /**
   * Blocking, at open: moves claims that a data dir from before their family (change 24) holds in
   * the default family into it, a batch of puts and deletes at a time, the last one synced. A node
   * stopped halfway moves the rest at its next open; a claim is in one family or the other at every
   * point of the log.
   */
  private void moveClaimsToTheirFamily() throws RocksDBException {
    long moved = 0;
    try (RocksIterator it = db.newIterator(); WriteBatch batch = new WriteBatch()) {
      for (it.seek(new byte[] {RocksIdempotencyStore.TABLE}); it.isValid() && isClaim(it.key()); it.next()) {
        byte[] key = it.key();
        batch.put(claims, key, it.value());
        batch.delete(key);
        if (++moved % CLAIMS_MOVED_PER_WRITE == 0) {
          db.write(unsynced, batch);
          batch.clear();
        }
      }
      it.status();
      if (moved > 0) {
        db.write(unsynced, batch);
        db.syncWal();
        LOG.info("moved {} idempotency claims into their own column family", moved);
      }
    }
  }

  /** Whether files in {@code dir} open with O_DIRECT: RocksDB would fail every flush where they do not. */
  static boolean directIoWorks(Path dir) {
    Path probe = dir.resolve(".direct-io-probe");
    try {
      try (FileChannel channel = FileChannel.open(probe, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          ExtendedOpenOption.DIRECT)) {
        return true;
      } finally {
        Files.deleteIfExists(probe);
      }
    } catch (IOException | UnsupportedOperationException e) {
      LOG.warn("{} does not take direct I/O ({}): flushes and compactions go through the page cache", dir, e.toString());
      return false;
    }
  }

  /** Blocking, before the first write is queued: applies {@code rows} straight to the log, unsynced (an import). */
  void putUnsynced(WriteBatch rows) throws RocksDBException {
    db.write(unsynced, rows);
  }

  /**
   * Blocking, before the first write is queued: one put, synced; with it every unsynced write before
   * it is durable too (the log is one file), and readers see them all.
   */
  void putSynced(byte[] key, byte[] value) throws RocksDBException {
    db.put(familyOf(key), durable, key, value);
    view.getAndSet(new View(db)).release();
  }

  /** Called (on the writer thread) when a batch could not be made durable, so adapters drop write-side caches. */
  public void onRollback(Runnable listener) {
    rollbackListeners.add(listener);
  }

  /** Queues a write; the future completes once the batch holding it is durable. */
  public <T> Future<T> write(Work<T> work) {
    return queue.submit(work);
  }

  /** Runs a read on a reader thread against the last durable state. */
  public <T> Future<T> read(Read<T> read) {
    return GroupCommit.read(readers, () -> {
      View current;
      do {
        current = view.get();
      } while (!current.acquire()); // lost a race with its release: the next one is already published
      try {
        return read.run(new Reader(current.options));
      } finally {
        current.release();
      }
    });
  }

  private void writeLoop() {
    List<Pending<Work<?>>> pending = new ArrayList<>(settings.batchMax());
    Batch batch = new Batch();
    try {
      boolean more = true;
      while (more) {
        try {
          more = queue.next(pending, settings.batchMax());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        if (!pending.isEmpty()) {
          toSync.add(runBatch(batch, new ArrayList<>(pending)));
        }
        pending.clear();
      }
    } finally {
      toSync.add(syncerStop);
    }
  }

  /**
   * Runs a batch's writes and puts them in the memtables and the log, unsynced: the syncer syncs the
   * log while this thread runs the next batch, so the writer's CPU and the disk's fsync overlap
   * instead of taking turns. Nothing is visible to readers or completed before the sync.
   */
  private Written runBatch(Batch batch, List<Pending<Work<?>>> pending) {
    Object[] results = new Object[pending.size()];
    Throwable[] failures = new Throwable[pending.size()];
    batch.clear();
    for (int i = 0; i < pending.size(); i++) {
      try {
        results[i] = pending.get(i).work().run(batch);
        batch.keepWrite();
      } catch (Throwable e) {
        failures[i] = e;
        batch.dropWrite();
      }
    }
    if (batch.batchPuts.isEmpty()) {
      return new Written(pending, results, failures, null);
    }
    try (WriteBatch writes = batch.serializedWrites()) {
      db.write(unsynced, writes);
      return new Written(pending, results, failures, new View(db));
    } catch (Throwable writeFailure) {
      LOG.error("group commit of {} writes failed", pending.size(), writeFailure);
      Arrays.fill(failures, writeFailure);
      rollbackListeners.forEach(Runnable::run);
      return new Written(pending, results, failures, null);
    }
  }

  /**
   * Syncs the log for every batch written since the last sync (one fsync for all of them), then
   * shows readers the newest of those batches and completes their writes, in the order written.
   * A batch that put nothing still waits for the batches before it: its results (a held claim, say)
   * may rest on them.
   */
  private void syncLoop() {
    List<Written> group = new ArrayList<>();
    boolean more = true;
    while (more) {
      try {
        group.add(toSync.take());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      toSync.drainTo(group);
      more = !group.remove(syncerStop);
      View newest = null;
      for (Written written : group) {
        if (written.view() != null) {
          if (newest != null) {
            newest.release();
          }
          newest = written.view();
        }
      }
      Throwable syncFailure = null;
      if (newest != null) {
        try {
          db.syncWal();
          view.getAndSet(newest).release();
        } catch (Throwable e) {
          // the batches stay in the memtables (a later sync makes them durable) but their callers hear
          // of a failure; a retried send then finds its claim and gets the same msgId
          LOG.error("syncing the RocksDB log failed", e);
          syncFailure = e;
          newest.release();
        }
      }
      for (Written written : group) {
        if (syncFailure != null) {
          Arrays.fill(written.failures(), syncFailure);
        }
        GroupCommit.completeAll(written.pending(), written.results(), written.failures());
      }
      group.clear();
    }
  }

  /** Blocking: runs queued writes, then closes the database. Call from a worker thread. */
  public void close() throws InterruptedException {
    queue.close();
    if (writerThread != null) {
      writerThread.join(TimeUnit.SECONDS.toMillis(30));
      syncerThread.join(TimeUnit.SECONDS.toMillis(30));
    }
    if (readers != null) {
      readers.shutdown();
      readers.awaitTermination(10, TimeUnit.SECONDS);
    }
    if (db != null) {
      View current = view.get();
      if (current != null) { // null when open failed after the database opened
        current.release();
      }
      claims.close();
      defaultFamily.close();
      db.close();
    }
    for (AutoCloseable nativeObject : natives) {
      try {
        nativeObject.close();
      } catch (Exception e) {
        LOG.warn("closing a RocksDB object: {}", e.getMessage());
      }
    }
  }
}
