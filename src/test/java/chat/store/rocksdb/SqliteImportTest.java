package chat.store.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import chat.protocol.ConversationId;
import chat.protocol.Frames;
import chat.store.EmbeddedStores;
import chat.store.InboxEvent;
import chat.store.Message;
import chat.store.sqlite.SqliteStores;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@DisplayName("The first start with RocksDB on a data dir the SQLite engine wrote")
class SqliteImportTest {
  private static final String ALICE_BOB = ConversationId.direct("alice", "bob").value();
  private static final String ALICE_CAROL = ConversationId.direct("alice", "carol").value();
  private static final String SHARED = "{\"type\":\"message\",\"msgId\":3}";

  @TempDir
  Path dataDir;

  @Test
  @DisplayName("moves history, conversation lists, inboxes and claims over, and new writes continue from them")
  void movesHotTables(Vertx vertx, VertxTestContext testContext) {
    SqliteStores sqlite = new SqliteStores(vertx, dataDir, 1, 64, 4000);
    RocksStores rocks = RocksStoresContractTest.onDataDir(vertx, dataDir);
    Future<List<Object>> before = sqlite.open().compose(v -> write(sqlite)).compose(v -> readAll(sqlite));
    Future<List<Object>> after = before.compose(v -> sqlite.close()).compose(v -> rocks.open())
        .compose(v -> readAll(rocks));
    Future<Long> claim = after.compose(v -> rocks.idempotency().claim("alice", "c1", 99));
    Future<List<InboxEvent>> appended = claim.compose(v -> rocks.inbox().append(
        List.of(InboxEvent.pending("bob", 3, SHARED), InboxEvent.pending("bob", 4, "{}"))));
    appended.eventually(rocks::close).onComplete(testContext.succeeding(done -> testContext.verify(() -> {
      assertThat(before.result().get(0)).asList().hasSize(3); // the history had something to move
      assertThat(after.result()).isEqualTo(before.result());
      assertThat(claim.result()).isEqualTo(1L); // the claim moved: the retry gets the first message's id
      assertThat(appended.result()).containsExactly(
          new InboxEvent("bob", 1, 3, SHARED, false), // a stored copy keeps its seq
          new InboxEvent("bob", 3, 4, "{}", true)); // and a new one takes the next
      testContext.completeNow();
    })));
  }

  @Test
  @DisplayName("imports once: rows SQLite gets after the move are not imported at a later start")
  void importsOnce(Vertx vertx, VertxTestContext testContext) {
    RocksStores first = RocksStoresContractTest.onDataDir(vertx, dataDir);
    SqliteStores sqlite = new SqliteStores(vertx, dataDir, 1, 64, 4000);
    RocksStores again = RocksStoresContractTest.onDataDir(vertx, dataDir);
    Future<Void> sqliteWrote = first.open().compose(v -> first.close())
        .compose(v -> sqlite.open()).compose(v -> write(sqlite)).compose(v -> sqlite.close());
    Future<List<Message>> page = sqliteWrote.compose(v -> again.open())
        .compose(v -> again.messages().page(ALICE_BOB, null, 10));
    page.eventually(again::close).onComplete(testContext.succeeding(done -> testContext.verify(() -> {
      assertThat(page.result()).isEmpty();
      testContext.completeNow();
    })));
  }

  /** Two conversations, a claim, and inbox rows of every form: shared, own members, own payload. */
  private static Future<Void> write(EmbeddedStores stores) {
    String senderCopy = Frames.withMember(SHARED, "\"clientId\":\"c1\"");
    return stores.messages().append(message(ALICE_BOB, 1, "alice"), List.of("alice", "bob"))
        .compose(v -> stores.messages().append(message(ALICE_BOB, 2, "bob"), List.of("alice", "bob")))
        .compose(v -> stores.messages().append(message(ALICE_CAROL, 3, "carol"), List.of("alice", "carol")))
        .compose(v -> stores.messages().append(message(ALICE_BOB, 4, "alice"), List.of("alice", "bob")))
        .compose(v -> stores.messages().markRead("bob", ALICE_BOB, 1))
        .compose(v -> stores.idempotency().claim("alice", "c1", 1))
        .compose(v -> stores.inbox().append(List.of(InboxEvent.pending("alice", 3, senderCopy),
            InboxEvent.pending("bob", 3, SHARED), InboxEvent.pending("alice", 7, "{\"type\":\"own\"}"),
            InboxEvent.pending("bob", 8, "{\"type\":\"receipt\"}"))))
        .mapEmpty();
  }

  /** What a client can read: a page, both conversation lists, both inboxes, a latest seq. */
  private static Future<List<Object>> readAll(EmbeddedStores stores) {
    return Future.all(List.<Future<?>>of(stores.messages().page(ALICE_BOB, null, 10),
            stores.messages().conversations("alice", 10), stores.messages().conversations("bob", 10),
            stores.inbox().after("alice", 0, 10), stores.inbox().after("bob", 0, 10), stores.inbox().latestSeq("bob")))
        .map(all -> all.<Object>list());
  }

  private static Message message(String conversationId, long msgId, String sender) {
    return new Message(msgId, conversationId, sender, "phone", "c" + msgId, "text", "hi " + msgId, 1_700_000_000_000L + msgId);
  }
}
