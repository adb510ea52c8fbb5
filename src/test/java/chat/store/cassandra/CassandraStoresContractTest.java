package chat.store.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import chat.ids.Snowflake;
import chat.protocol.ConversationId;
import chat.store.ConversationSummary;
import chat.store.InboxEvent;
import chat.store.Message;
import chat.store.StoreContract;
import chat.store.Stores;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.vertx.cassandra.CassandraClient;
import io.vertx.cassandra.CassandraClientOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract against a real Cassandra at {@code CHAT_TEST_CASSANDRA} (host:port, default
 * 127.0.0.1:19042; {@code scripts/cassandra.sh start} runs one there). When it is not reachable the
 * tests fail, they do not skip.
 *
 * <p>Isolation: one keyspace per test class ({@code t_<random>}, dropped at the end), created once by
 * the first open; before every case each of its tables is truncated. That is much cheaper than a
 * keyspace per case, whose ten schema changes would cost seconds each time. Each case still gets
 * new stores (new driver session, empty caches); reopen() is new stores on the same keyspace.
 */
@DisplayName("The Cassandra stores")
class CassandraStoresContractTest extends StoreContract {
  private static final String CONTACT_POINT = contactPoint();
  private static final String KEYSPACE = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  private static final CassandraSettings SETTINGS =
      new CassandraSettings(List.of(CONTACT_POINT), "datacenter1", KEYSPACE, 1);

  private static Vertx admin;
  private static CassandraClient adminClient;

  private static String contactPoint() {
    String value = System.getenv("CHAT_TEST_CASSANDRA");
    return value == null || value.isBlank() ? "127.0.0.1:19042" : value.trim();
  }

  @BeforeAll
  static void createKeyspace() throws Exception {
    admin = Vertx.vertx();
    CassandraStores schemaMaker = new CassandraStores(admin, SETTINGS);
    try {
      block(schemaMaker.open());
    } catch (Exception e) {
      throw new AssertionError("Cassandra is not reachable at " + CONTACT_POINT
          + " (set CHAT_TEST_CASSANDRA=host:port, or run scripts/cassandra.sh start): " + e.getMessage(), e);
    } finally {
      block(schemaMaker.close());
    }
    CassandraClientOptions options = new CassandraClientOptions();
    SETTINGS.addresses().forEach(options::addContactPoint);
    options.dataStaxClusterBuilder().withLocalDatacenter(SETTINGS.localDc());
    adminClient = CassandraClient.create(admin, options);
  }

  @AfterAll
  static void dropKeyspace() throws Exception {
    try {
      if (adminClient != null) {
        block(adminClient.execute(SimpleStatement.newInstance("DROP KEYSPACE IF EXISTS " + KEYSPACE)
            .setTimeout(Duration.ofSeconds(60))));
        block(adminClient.close());
      }
    } finally {
      if (admin != null) {
        block(admin.close());
      }
    }
  }

  @Override
  protected Stores newStores(Vertx vertx) throws Exception {
    List<Row> tables = block(adminClient.executeWithFullFetch(SimpleStatement.newInstance(
        "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?", KEYSPACE)));
    List<Future<?>> truncates = new ArrayList<>();
    for (Row table : tables) {
      truncates.add(adminClient.execute(SimpleStatement.newInstance("TRUNCATE " + KEYSPACE + "." + table.getString(0))
          .setTimeout(Duration.ofSeconds(60))));
    }
    block(Future.all(truncates));
    return new CassandraStores(vertx, SETTINGS);
  }

  @Override
  protected Stores reopen(Vertx vertx) {
    return new CassandraStores(vertx, SETTINGS);
  }

  // --- Cassandra-specific cases (the layout behind the ports) ---

  @Test
  @DisplayName("History pages walk across ten-day buckets, skipping empty ones, and the list joins the last bucket")
  void historySpansBuckets(Vertx vertx) throws Exception {
    String conversation = ConversationId.direct("alice", "bob").value();
    long day = 86_400_000L;
    long start = Snowflake.EPOCH_MS + 400 * day;
    // 30 messages a day apart (three buckets), 200 days of silence, then 30 more.
    List<Long> ids = new ArrayList<>();
    LongStream.range(0, 30).forEach(i -> ids.add(idAt(start + i * day, i)));
    LongStream.range(0, 30).forEach(i -> ids.add(idAt(start + 230 * day + i * day, i)));
    assertThat(ids.stream().map(CassandraMessageStore::bucketOf).distinct().count()).isGreaterThanOrEqualTo(6);
    Stores stores = open(vertx);
    try {
      for (long id : ids) {
        String sender = id % 2 == 0 ? "alice" : "bob";
        block(stores.messages().append(new Message(id, conversation, sender, "d", "c" + id, "text", "m" + id,
            Snowflake.timestampOf(id)), List.of("alice", "bob")));
      }
      List<Long> walked = new ArrayList<>();
      Long cursor = null;
      List<Integer> sizes = new ArrayList<>();
      while (true) {
        List<Message> page = block(stores.messages().page(conversation, cursor, 7));
        sizes.add(page.size());
        if (page.isEmpty()) {
          break;
        }
        page.forEach(m -> walked.add(m.msgId()));
        cursor = page.get(page.size() - 1).msgId();
      }
      assertThat(walked).containsExactlyElementsOf(ids.stream().sorted((a, b) -> Long.compare(b, a)).toList());
      assertThat(sizes).containsExactly(7, 7, 7, 7, 7, 7, 7, 7, 4, 0);
      assertThat(block(stores.messages().page(conversation, ids.get(30), 100)))
          .extracting(Message::msgId)
          .containsExactlyElementsOf(ids.subList(0, 30).stream().sorted((a, b) -> Long.compare(b, a)).toList());
      assertThat(block(stores.messages().page(conversation, ids.get(0), 100))).isEmpty();
      List<ConversationSummary> list = block(stores.messages().conversations("bob", 10));
      assertThat(list).hasSize(1);
      assertThat(list.get(0).lastMessage().msgId()).isEqualTo(ids.get(ids.size() - 1));
      assertThat(list.get(0).unread()).isEqualTo(ids.stream().filter(id -> id % 2 == 0).count());
    } finally {
      block(stores.close());
    }
  }

  private static long idAt(long ms, long sequence) {
    return ((ms - Snowflake.EPOCH_MS) << (Snowflake.NODE_BITS + Snowflake.SEQUENCE_BITS)) | sequence;
  }

  private static Stores open(Vertx vertx) throws Exception {
    Stores stores = new CassandraStores(vertx, SETTINGS);
    block(stores.open());
    return stores;
  }

  private static <T> T block(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
