package chat.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import chat.store.InboxEvent;
import chat.store.InboxStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@DisplayName("An inbox written by the first SQLite schema")
class SqliteInboxMigrationTest {
  @TempDir
  Path dataDir;

  @Test
  @DisplayName("is readable after the upgrade, keeps its seqs on replay and goes on from its newest seq")
  void upgradesInPlace(Vertx vertx, VertxTestContext testContext) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("chat.db"));
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE inbox (user_id TEXT NOT NULL, seq INTEGER NOT NULL, event_id INTEGER NOT NULL, "
          + "payload TEXT NOT NULL, PRIMARY KEY (user_id, seq)) WITHOUT ROWID");
      st.execute("CREATE UNIQUE INDEX inbox_event ON inbox (user_id, event_id)");
      st.execute("INSERT INTO inbox VALUES ('bob', 1, 10, '{\"e\":10}'), ('bob', 2, 11, '{\"e\":11}'), "
          + "('alice', 1, 11, '{\"e\":11,\"id\":\"c1\"}')");
    }
    SqliteStores stores = new SqliteStores(vertx, dataDir, 1, 16, 4000);
    InboxStore inbox = stores.inbox();
    stores.open()
        .compose(v -> inbox.append(List.of(InboxEvent.pending("alice", 11, "{\"e\":11,\"id\":\"c1\"}"),
            InboxEvent.pending("bob", 11, "{\"e\":11}"), InboxEvent.pending("bob", 12, "{\"e\":12}"))))
        .compose(appended -> Future.all(inbox.after("bob", 0, 10), inbox.after("alice", 0, 10))
            .map(read -> List.of(appended, read.resultAt(0), read.resultAt(1))))
        .eventually(() -> stores.close())
        .onComplete(testContext.succeeding(results -> testContext.verify(() -> {
          assertThat(results.get(0)).containsExactly(
              new InboxEvent("alice", 1, 11, "{\"e\":11,\"id\":\"c1\"}", false),
              new InboxEvent("bob", 2, 11, "{\"e\":11}", false),
              new InboxEvent("bob", 3, 12, "{\"e\":12}", true));
          assertThat(results.get(1)).extracting(InboxEvent::seq, InboxEvent::payload)
              .containsExactly(Tuple.tuple(1L, "{\"e\":10}"),
                  Tuple.tuple(2L, "{\"e\":11}"),
                  Tuple.tuple(3L, "{\"e\":12}"));
          assertThat(results.get(2)).extracting(InboxEvent::payload).containsExactly("{\"e\":11,\"id\":\"c1\"}");
          testContext.completeNow();
        })));
  }
}
