package chat.store.sqlite;

import chat.store.ClaimedAppendContract;
import chat.store.EmbeddedStores;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;

@DisplayName("The SQLite claim-and-append write of a new message")
class SqliteClaimedAppendStoreTest extends ClaimedAppendContract {
  @Override
  protected EmbeddedStores newStores(Vertx vertx, Path dataDir) {
    return new SqliteStores(vertx, dataDir, 1, 64, 4000);
  }
}
