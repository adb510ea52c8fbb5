package chat.store.rocksdb;

import chat.store.ClaimedAppendContract;
import chat.store.EmbeddedStores;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;

@DisplayName("The RocksDB claim-and-append write of a new message")
class RocksClaimedAppendStoreTest extends ClaimedAppendContract {
  @Override
  protected EmbeddedStores newStores(Vertx vertx, Path dataDir) {
    return RocksStoresContractTest.onDataDir(vertx, dataDir);
  }
}
