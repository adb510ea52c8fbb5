package chat.store.sqlite;

import chat.store.StoreContract;
import chat.store.Stores;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The embedded SQLite stores")
class SqliteStoresContractTest extends StoreContract {
  /** A fresh, empty data dir for each case; reopening uses the same one. */
  @TempDir
  Path dataDir;

  @Override
  protected Stores newStores(Vertx vertx) {
    return onDataDir(vertx);
  }

  @Override
  protected Stores reopen(Vertx vertx) {
    return onDataDir(vertx);
  }

  private Stores onDataDir(Vertx vertx) {
    return new SqliteStores(vertx, dataDir, 2, 256, 4000);
  }
}
