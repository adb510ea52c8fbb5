package chat.store.rocksdb;

import chat.store.StoreContract;
import chat.store.Stores;
import chat.store.sqlite.SqliteStores;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The embedded stores with their hot tables on RocksDB")
class RocksStoresContractTest extends StoreContract {
  /** A fresh, empty data dir for each case; reopening uses the same one. */
  @TempDir
  Path dataDir;

  @Override
  protected Stores newStores(Vertx vertx) {
    return onDataDir(vertx, dataDir);
  }

  @Override
  protected Stores reopen(Vertx vertx) {
    return onDataDir(vertx, dataDir);
  }

  /** Small batches and memory, as a test needs. */
  static RocksStores onDataDir(Vertx vertx, Path dataDir) {
    return new RocksStores(vertx, new SqliteStores(vertx, dataDir, 2, 256, 4000), dataDir,
        new RocksEngine.Settings(2, 256, 4L << 20, 8L << 20));
  }
}
