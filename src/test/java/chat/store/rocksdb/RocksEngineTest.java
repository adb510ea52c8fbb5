package chat.store.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@DisplayName("The RocksDB engine's batch")
class RocksEngineTest {
  private static final byte[] PREFIX = bytes("p/");

  @TempDir
  Path dir;
  private RocksEngine engine;
  private final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void open(Vertx vertx, VertxTestContext testContext) {
    engine = new RocksEngine(dir, new RocksEngine.Settings(1, 64, 4L << 20, 8L << 20));
    vertx.executeBlocking(() -> {
      engine.open();
      return null;
    }).onComplete(testContext.succeedingThenComplete());
  }

  @AfterEach
  void close(Vertx vertx, VertxTestContext testContext) {
    release.countDown();
    vertx.executeBlocking(() -> {
      engine.close();
      return null;
    }).onComplete(testContext.succeedingThenComplete());
  }

  @Test
  @DisplayName("lets a write read what earlier writes of its batch put, and drops the puts of a write that throws")
  void readsItsBatchAndDropsAFailedWrite(VertxTestContext testContext) {
    holdWriter(); // what is queued next runs as one batch
    Future<Void> first = engine.write(batch -> {
      batch.put(bytes("p/a"), bytes("1"));
      return null;
    });
    Future<String> failing = engine.write(batch -> {
      batch.put(bytes("p/b"), bytes("2"));
      throw new IllegalStateException("this write fails");
    });
    Future<List<String>> third = engine.write(batch -> List.of(string(batch.get(bytes("p/a"))),
        String.valueOf(batch.get(bytes("p/b"))), String.join(",", scan(batch, PREFIX)), string(batch.lastKey(PREFIX))));
    release.countDown();
    Future.join(first, failing, third)
        .transform(done -> engine.read(reader -> String.valueOf(reader.get(bytes("p/b")))))
        .onComplete(testContext.succeeding(durableB -> testContext.verify(() -> {
          assertThat(failing.failed()).isTrue();
          assertThat(third.result()).containsExactly("1", "null", "p/a=1", "p/a");
          assertThat(durableB).isEqualTo("null");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("scans durable keys with the batch's puts and deletes merged in, in key order")
  void scansMergedWithBatch(VertxTestContext testContext) {
    Future<Void> durable = engine.write(batch -> {
      for (String key : List.of("p/1", "p/3", "p/5", "q/0")) {
        batch.put(bytes(key), bytes("old"));
      }
      return null;
    });
    Future<List<String>> merged = durable.compose(v -> {
      holdWriter();
      Future<Void> changes = engine.write(batch -> {
        batch.delete(bytes("p/3"));
        batch.put(bytes("p/2"), bytes("new"));
        batch.put(bytes("p/5"), bytes("new"));
        return null;
      });
      Future<List<String>> views = engine.write(batch -> {
        batch.put(bytes("p/4"), bytes("mine"));
        List<String> seen = new ArrayList<>(scan(batch, PREFIX));
        seen.add(string(batch.lastKey(PREFIX)));
        batch.delete(bytes("p/5"));
        seen.add(string(batch.lastKey(PREFIX)));
        seen.add(String.join(",", scanFrom(batch, bytes("p/3"))));
        return seen;
      });
      release.countDown();
      return changes.compose(v2 -> views);
    });
    merged.onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
      assertThat(seen).containsExactly("p/1=old", "p/2=new", "p/4=mine", "p/5=new", "p/5", "p/4", "p/4=mine");
      testContext.completeNow();
    })));
  }

  @Test
  @DisplayName("makes durable the last put or delete of each key that writes of one batch changed several times")
  void lastChangeOfAKeyInABatchWins(VertxTestContext testContext) {
    Future<Void> durable = engine.write(batch -> {
      batch.put(bytes("p/c"), bytes("old"));
      return null;
    });
    durable.compose(v -> {
      holdWriter();
      engine.write(batch -> {
        batch.put(bytes("p/a"), bytes("1"));
        batch.put(bytes("p/b"), bytes("1"));
        batch.delete(bytes("p/c"));
        return null;
      });
      Future<Void> last = engine.write(batch -> {
        batch.put(bytes("p/a"), bytes("2"));
        batch.delete(bytes("p/b"));
        batch.put(bytes("p/c"), bytes("new"));
        batch.put(bytes("p/d"), bytes("1"));
        batch.delete(bytes("p/d"));
        return null;
      });
      release.countDown();
      return last;
    }).compose(v -> engine.read(reader -> {
      List<String> seen = new ArrayList<>();
      for (String key : List.of("p/a", "p/b", "p/c", "p/d")) {
        seen.add(key + "=" + string(reader.get(bytes(key))));
      }
      return seen;
    })).onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
      assertThat(seen).containsExactly("p/a=2", "p/b=null", "p/c=new", "p/d=null");
      testContext.completeNow();
    })));
  }

  @Test
  @DisplayName("stores keys and values of every length byte for byte, an empty value as empty, not deleted")
  void storesLongAndEmptyValues(VertxTestContext testContext) {
    byte[] longKey = bytes("p/" + "k".repeat(300));
    byte[] longValue = bytes("v".repeat(20_000) + "\u00e9");
    engine.write(batch -> {
      batch.put(longKey, longValue);
      batch.put(bytes("p/empty"), new byte[0]);
      batch.put(bytes("p/short"), bytes("s"));
      return null;
    }).compose(v -> engine.read(reader -> List.of(reader.get(longKey), reader.get(bytes("p/empty")),
        reader.get(bytes("p/short"))))).onComplete(testContext.succeeding(values -> testContext.verify(() -> {
          assertThat(values.get(0)).isEqualTo(longValue);
          assertThat(values.get(1)).isEmpty();
          assertThat(string(values.get(2))).isEqualTo("s");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("flushes past its write buffer to table files and reads them back after a reopen")
  void flushesToTableFilesAndReopens(Vertx vertx, VertxTestContext testContext) {
    byte[] chunk = bytes("x".repeat(100_000));
    List<Future<Void>> writes = new ArrayList<>();
    for (int i = 0; i < 60; i++) { // 6 MB through a 4 MiB write buffer
      byte[] key = bytes("p/" + i);
      writes.add(engine.write(batch -> {
        batch.put(key, chunk);
        return null;
      }));
    }
    Future.all(writes)
        .compose(v -> vertx.executeBlocking(() -> {
          engine.close();
          engine = new RocksEngine(dir, new RocksEngine.Settings(1, 64, 4L << 20, 8L << 20));
          engine.open();
          return filesIn(dir).stream().filter(f -> f.toString().endsWith(".sst")).count();
        }))
        .compose(tableFiles -> engine.read(reader -> {
          List<Boolean> same = new ArrayList<>();
          for (int i = 0; i < 60; i++) {
            same.add(java.util.Arrays.equals(reader.get(bytes("p/" + i)), chunk));
          }
          return List.of(tableFiles, same.stream().allMatch(b -> b));
        }))
        .onComplete(testContext.succeeding(found -> testContext.verify(() -> {
          assertThat((Long) found.get(0)).isPositive();
          assertThat(found.get(1)).isEqualTo(true);
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("inserts with a hint per id-long key prefix and still lists keys inserted against it in key order")
  void insertsWithAPrefixHint(VertxTestContext testContext) throws Exception {
    String options = optionsFile();
    assertThat(options).contains("memtable_insert_with_hint_prefix_extractor=rocksdb.FixedPrefix."
        + RocksEngine.INSERT_HINT_PREFIX_BYTES);
    // one prefix, keys arriving in falling order in one batch and rising in the next: each insert
    // lands before or after the hint's last position
    String prefix = "p/" + "7".repeat(RocksEngine.INSERT_HINT_PREFIX_BYTES);
    List<String> written = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      written.add(prefix + i + "=v");
    }
    engine.write(batch -> {
      for (int i = 9; i >= 5; i--) {
        batch.put(bytes(prefix + i), bytes("v"));
      }
      return null;
    }).compose(v -> engine.write(batch -> {
      for (int i = 0; i < 5; i++) {
        batch.put(bytes(prefix + i), bytes("v"));
      }
      return null;
    })).compose(v -> engine.write(batch -> scan(batch, bytes(prefix))))
        .onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
          assertThat(seen).containsExactlyElementsOf(written);
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("keeps claims in a column family of their own, filtered in memory by whole key, the rest in the default")
  void keepsClaimsInTheirOwnFamily(Vertx vertx, VertxTestContext testContext) throws Exception {
    String options = optionsFile();
    String claimsOptions = options.substring(options.indexOf("[CFOptions \"" + RocksEngine.CLAIMS_FAMILY + "\"]"));
    assertThat(claimsOptions).contains("memtable_whole_key_filtering=true")
        .contains("memtable_prefix_bloom_size_ratio=0.05");
    byte[] kept = RocksIdempotencyStore.key("sender", "kept");
    byte[] dropped = RocksIdempotencyStore.key("sender", "dropped");
    engine.write(batch -> {
      batch.put(kept, RocksIdempotencyStore.value(1));
      batch.put(bytes("p/a"), bytes("1"));
      batch.put(dropped, RocksIdempotencyStore.value(2));
      return null;
    }).compose(v -> engine.write(batch -> {
      batch.delete(dropped); // a deletion record of the claims family
      batch.put(bytes("p/b"), bytes("2"));
      return List.of(string(batch.get(kept)), string(batch.get(dropped)), string(batch.get(bytes("p/a"))));
    })).compose(inBatch -> engine.read(reader -> List.of(inBatch, List.of(string(reader.get(kept)),
            string(reader.get(dropped)), string(reader.get(bytes("p/b")))))))
        .compose(seen -> vertx.executeBlocking(() -> {
          engine.close();
          Map<String, List<String>> families = keysByFamily(dir);
          engine = new RocksEngine(dir, new RocksEngine.Settings(1, 64, 4L << 20, 8L << 20));
          engine.open();
          return List.of(seen, families);
        }))
        .onComplete(testContext.succeeding(found -> testContext.verify(() -> {
          String one = string(RocksIdempotencyStore.value(1));
          assertThat(found.get(0)).isEqualTo(List.of(List.of(one, "null", "1"), List.of(one, "null", "2")));
          assertThat(found.get(1)).isEqualTo(Map.of("default", List.of("p/a", "p/b"),
              RocksEngine.CLAIMS_FAMILY, List.of(string(kept))));
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("moves the claims an older data dir keeps in the default family into their own at open, and finds each")
  void movesOlderClaimsIntoTheirFamily(Vertx vertx, VertxTestContext testContext) throws Exception {
    Path older = dir.resolve("older");
    int claims = 25_000; // more than one write's worth of moves
    try (org.rocksdb.Options options = new org.rocksdb.Options().setCreateIfMissing(true);
         org.rocksdb.RocksDB db = org.rocksdb.RocksDB.open(options, older.toString())) {
      for (int i = 0; i < claims; i++) {
        db.put(RocksIdempotencyStore.key("sender", "c" + i), RocksIdempotencyStore.value(i));
      }
      db.put(bytes("j/before"), bytes("1"));
      db.put(bytes("l/after"), bytes("2"));
    }
    RocksEngine moved = new RocksEngine(older, new RocksEngine.Settings(1, 64, 4L << 20, 8L << 20));
    vertx.executeBlocking(() -> {
      moved.open();
      return null;
    }).compose(v -> moved.write(batch -> {
      List<Long> held = new ArrayList<>();
      for (int i : new int[] {0, 9_999, 10_000, claims - 1}) {
        held.add(RocksIdempotencyStore.claim(batch, "sender", "c" + i, -1));
      }
      held.add(RocksIdempotencyStore.claim(batch, "sender", "new", 77));
      return held;
    })).compose(held -> vertx.executeBlocking(() -> {
      moved.close();
      return List.of(held, keysByFamily(older));
    })).onComplete(testContext.succeeding(found -> testContext.verify(() -> {
      assertThat(found.get(0)).isEqualTo(List.of(0L, 9_999L, 10_000L, (long) claims - 1, 77L));
      @SuppressWarnings("unchecked")
      Map<String, List<String>> families = (Map<String, List<String>>) found.get(1);
      assertThat(families.get("default")).containsExactly("j/before", "l/after");
      assertThat(families.get(RocksEngine.CLAIMS_FAMILY)).hasSize(claims + 1)
          .allMatch(key -> key.charAt(0) == RocksIdempotencyStore.TABLE);
      testContext.completeNow();
    })));
  }

  @Test
  @DisplayName("says no to direct I/O where it cannot open a file, rather than failing")
  void directIoProbeFailsSoftly() {
    assertThat(RocksEngine.directIoWorks(dir.resolve("missing"))).isFalse();
  }

  /** Every key of the closed database in {@code dir}, by column family, in key order. */
  private static Map<String, List<String>> keysByFamily(Path dir) throws org.rocksdb.RocksDBException {
    List<org.rocksdb.ColumnFamilyHandle> handles = new ArrayList<>();
    Map<String, List<String>> keys = new TreeMap<>();
    try (org.rocksdb.DBOptions options = new org.rocksdb.DBOptions();
         org.rocksdb.RocksDB db = org.rocksdb.RocksDB.open(options, dir.toString(), List.of(
             new org.rocksdb.ColumnFamilyDescriptor(org.rocksdb.RocksDB.DEFAULT_COLUMN_FAMILY),
             new org.rocksdb.ColumnFamilyDescriptor(bytes(RocksEngine.CLAIMS_FAMILY))), handles)) {
      for (org.rocksdb.ColumnFamilyHandle handle : handles) {
        List<String> family = new ArrayList<>();
        try (org.rocksdb.RocksIterator it = db.newIterator(handle)) {
          for (it.seekToFirst(); it.isValid(); it.next()) {
            family.add(string(it.key()));
          }
        }
        keys.put(string(handle.getName()), family);
        handle.close();
      }
    }
    return keys;
  }

  /** The options file RocksDB wrote when the engine opened {@link #dir}. */
  private String optionsFile() throws java.io.IOException {
    return Files.readString(filesIn(dir).stream()
        .filter(f -> f.getFileName().toString().startsWith("OPTIONS-")).findFirst().orElseThrow());
  }

  private static List<Path> filesIn(Path dir) throws java.io.IOException {
    try (var files = Files.list(dir)) {
      return files.toList();
    }
  }

  /** Queues a write that holds the writer until {@link #release} opens. */
  private void holdWriter() {
    engine.write(batch -> {
      release.await();
      return null;
    });
  }

  private static List<String> scan(RocksEngine.Batch batch, byte[] prefix) throws org.rocksdb.RocksDBException {
    List<String> seen = new ArrayList<>();
    batch.scan(prefix, prefix, (key, value) -> seen.add(string(key) + "=" + string(value)));
    return seen;
  }

  private static List<String> scanFrom(RocksEngine.Batch batch, byte[] from) throws org.rocksdb.RocksDBException {
    List<String> seen = new ArrayList<>();
    batch.scan(from, PREFIX, (key, value) -> seen.add(string(key) + "=" + string(value)));
    return seen;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String string(byte[] b) {
    return b == null ? "null" : new String(b, StandardCharsets.UTF_8);
  }
}
