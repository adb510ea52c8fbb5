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
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@DisplayName("An inbox written by an earlier SQLite schema")
class SqliteInboxMigrationTest {
  @TempDir
  Path dataDir;

  @Test
  @DisplayName("from the first schema is readable after the upgrade, keeps its seqs on replay and goes on from its newest seq")
  void upgradesInPlace(Vertx vertx, VertxTestContext testContext) throws Exception {
    SqliteStores stores = storesOver(vertx,
        "CREATE TABLE inbox (user_id TEXT NOT NULL, seq INTEGER NOT NULL, event_id INTEGER NOT NULL, "
            + "payload TEXT NOT NULL, PRIMARY KEY (user_id, seq)) WITHOUT ROWID",
        "CREATE UNIQUE INDEX inbox_event ON inbox (user_id, event_id)",
        "INSERT INTO inbox VALUES ('bob', 1, 10, '{\"e\":10}'), ('bob', 2, 11, '{\"e\":11}'), "
            + "('alice', 1, 11, '{\"e\":11,\"id\":\"c1\"}')");
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

  @Test
  @DisplayName("from the second schema gains own_members: old rows read as before, a sender's new copy is stored as its client id")
  void gainsOwnMembers(Vertx vertx, VertxTestContext testContext) throws Exception {
    SqliteStores stores = storesOver(vertx,
        "CREATE TABLE inbox (user_id TEXT NOT NULL, seq INTEGER NOT NULL, event_id INTEGER NOT NULL, "
            + "payload TEXT, PRIMARY KEY (user_id, seq)) WITHOUT ROWID",
        "CREATE TABLE inbox_fanout (event_id INTEGER PRIMARY KEY, payload TEXT NOT NULL, seqs TEXT NOT NULL)",
        "INSERT INTO inbox VALUES ('alice', 1, 10, '{\"id\":\"c1\",\"e\":10}'), ('bob', 1, 10, NULL)",
        "INSERT INTO inbox_fanout VALUES (10, '{\"e\":10}', '{\"alice\":1,\"bob\":1}')");
    InboxStore inbox = stores.inbox();
    // the sender first, as a 1:1 conversation may list them: the shorter copy is still the shared one
    List<InboxEvent> message11 = List.of(InboxEvent.pending("alice", 11, "{\"id\":\"c2\",\"e\":11}"),
        InboxEvent.pending("bob", 11, "{\"e\":11}"));
    stores.open()
        .compose(v -> inbox.append(message11))
        .compose(v -> inbox.append(message11))
        .compose(replayed -> Future.all(inbox.after("alice", 0, 10), inbox.after("bob", 0, 10))
            .map(read -> List.of(replayed, read.resultAt(0), read.resultAt(1))))
        .eventually(() -> stores.close())
        .onComplete(testContext.succeeding(results -> testContext.verify(() -> {
          assertThat(results.get(0)).containsExactly(
              new InboxEvent("alice", 2, 11, "{\"id\":\"c2\",\"e\":11}", false),
              new InboxEvent("bob", 2, 11, "{\"e\":11}", false));
          assertThat(results.get(1)).extracting(InboxEvent::payload)
              .containsExactly("{\"id\":\"c1\",\"e\":10}", "{\"id\":\"c2\",\"e\":11}");
          assertThat(results.get(2)).extracting(InboxEvent::payload).containsExactly("{\"e\":10}", "{\"e\":11}");
          assertThat(storedRows()).containsExactly(
              Tuple.tuple("alice", 1, "{\"id\":\"c1\",\"e\":10}", null),
              Tuple.tuple("alice", 2, null, "\"id\":\"c2\""),
              Tuple.tuple("bob", 1, null, null),
              Tuple.tuple("bob", 2, null, null));
          testContext.completeNow();
        })));
  }

  /** Stores over a database that an earlier schema wrote: {@code statements} make it, before the stores open it. */
  private SqliteStores storesOver(Vertx vertx, String... statements) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("chat.db"));
        Statement st = c.createStatement()) {
      for (String statement : statements) {
        st.execute(statement);
      }
    }
    return new SqliteStores(vertx, dataDir, 1, 16, 4000);
  }

  private List<Tuple> storedRows() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("chat.db"));
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT user_id, seq, payload, own_members FROM inbox ORDER BY user_id, seq")) {
      List<Tuple> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(Tuple.tuple(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4)));
      }
      return rows;
    }
  }
}
