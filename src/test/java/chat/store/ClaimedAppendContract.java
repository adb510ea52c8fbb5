package chat.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The claim-and-append write of a new message, as every embedded engine must do it. An engine's
 * test extends this class and says how to make its stores.
 */
@ExtendWith(VertxExtension.class)
public abstract class ClaimedAppendContract {
  private static final String CONVERSATION = "d:alice:bob";
  private static final List<String> PARTICIPANTS = List.of("alice", "bob");

  @TempDir
  Path dataDir;
  private EmbeddedStores stores;

  /** New, not yet opened stores on the empty {@code dataDir}. */
  protected abstract EmbeddedStores newStores(Vertx vertx, Path dataDir);

  @BeforeEach
  void open(Vertx vertx, VertxTestContext testContext) {
    stores = newStores(vertx, dataDir);
    stores.open().onComplete(testContext.succeedingThenComplete());
  }

  @AfterEach
  void close(VertxTestContext testContext) {
    stores.close().onComplete(testContext.succeedingThenComplete());
  }

  @Test
  @DisplayName("claims a free key and stores the message in history and in every participant's inbox")
  void freeKey(VertxTestContext testContext) {
    Message candidate = message(101, "c1");
    stores.claimedAppends().claimAndAppend("k1", candidate, PARTICIPANTS, events(candidate))
        .compose(claimed -> Future.all(stores.messages().find(CONVERSATION, 101), stores.inbox().after("bob", 0, 10),
                stores.idempotency().claim("alice", "k1", 999))
            .map(all -> List.<Object>of(claimed, all.resultAt(0), all.resultAt(1), all.resultAt(2))))
        .onComplete(testContext.succeeding(results -> testContext.verify(() -> {
          ClaimedAppendStore.ClaimedAppend claimed = (ClaimedAppendStore.ClaimedAppend) results.get(0);
          assertThat(claimed.msgId()).isEqualTo(101);
          assertThat(claimed.appended()).extracting(InboxEvent::userId).containsExactly("alice", "bob");
          assertThat(claimed.appended()).allMatch(InboxEvent::fresh).extracting(InboxEvent::seq).containsOnly(1L);
          assertThat(results.get(1)).isEqualTo(Optional.of(candidate));
          assertThat((List<?>) results.get(2)).extracting(e -> ((InboxEvent) e).eventId()).containsExactly(101L);
          assertThat(results.get(3)).isEqualTo(101L); // the key now belongs to the message
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("answers a held key with the earlier message's id and writes nothing of the new candidate")
  void heldKey(VertxTestContext testContext) {
    Message first = message(101, "c1");
    Message retry = message(202, "c1");
    stores.claimedAppends().claimAndAppend("k1", first, PARTICIPANTS, events(first))
        .compose(v -> stores.claimedAppends().claimAndAppend("k1", retry, PARTICIPANTS, events(retry)))
        .compose(claimed -> Future.all(stores.messages().find(CONVERSATION, 202), stores.inbox().after("bob", 0, 10))
            .map(all -> List.<Object>of(claimed, all.resultAt(0), all.resultAt(1))))
        .onComplete(testContext.succeeding(results -> testContext.verify(() -> {
          ClaimedAppendStore.ClaimedAppend claimed = (ClaimedAppendStore.ClaimedAppend) results.get(0);
          assertThat(claimed.msgId()).isEqualTo(101);
          assertThat(claimed.appended()).isEmpty();
          assertThat(results.get(1)).isEqualTo(Optional.empty());
          assertThat((List<?>) results.get(2)).extracting(e -> ((InboxEvent) e).eventId()).containsExactly(101L);
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("is all or nothing: when the inbox append fails, neither the claim nor the history row remains")
  void allOrNothing(VertxTestContext testContext) {
    Message candidate = message(101, "c1");
    List<InboxEvent> broken = List.of(InboxEvent.pending("alice", 101, "{}"), InboxEvent.pending("bob", 101, null));
    failedWritingNothing(stores.claimedAppends().claimAndAppend("k1", candidate, PARTICIPANTS, broken), testContext);
  }

  @Test
  @DisplayName("fails, writing nothing, if the candidate's msgId already names a stored inbox event")
  void reusedMsgId(VertxTestContext testContext) {
    Message candidate = message(101, "c1");
    stores.inbox().append(List.of(InboxEvent.pending("bob", 101, "{\"type\":\"earlier\"}")))
        .compose(v -> failedWritingNothing(
            stores.claimedAppends().claimAndAppend("k1", candidate, PARTICIPANTS, events(candidate)), testContext))
        .onFailure(testContext::failNow);
  }

  @Test
  @DisplayName("fails, writing nothing, if the candidate's msgId names an inbox event stored before a restart")
  void reusedMsgIdAfterRestart(Vertx vertx, VertxTestContext testContext) {
    Message candidate = message(101, "c1");
    stores.inbox().append(List.of(InboxEvent.pending("bob", 101, "{\"type\":\"earlier\"}")))
        .compose(v -> stores.close())
        .compose(v -> {
          stores = newStores(vertx, dataDir);
          return stores.open();
        })
        .compose(v -> failedWritingNothing(
            stores.claimedAppends().claimAndAppend("k1", candidate, PARTICIPANTS, events(candidate)), testContext))
        .onFailure(testContext::failNow);
  }

  @Test
  @DisplayName("stores a message whose msgId is below that of a stored event (ids from another minute, say)")
  void msgIdBelowStoredOnes(VertxTestContext testContext) {
    Message candidate = message(101, "c1");
    stores.inbox().append(List.of(InboxEvent.pending("bob", 500, "{\"type\":\"later\"}")))
        .compose(v -> stores.claimedAppends().claimAndAppend("k1", candidate, PARTICIPANTS, events(candidate)))
        .compose(claimed -> stores.inbox().after("alice", 0, 10))
        .onComplete(testContext.succeeding(inbox -> testContext.verify(() -> {
          assertThat(inbox).extracting(InboxEvent::eventId).containsExactly(101L);
          testContext.completeNow();
        })));
  }

  /**
   * Checks that {@code attempt} (alice's message 101 under key k1) failed and left nothing: no
   * history row, nothing in alice's inbox, the key still free.
   */
  private Future<Void> failedWritingNothing(Future<?> attempt, VertxTestContext testContext) {
    return attempt
        .transform(failed -> failed.failed()
            ? Future.all(stores.messages().find(CONVERSATION, 101), stores.inbox().after("alice", 0, 10),
                stores.idempotency().claim("alice", "k1", 303))
            : Future.failedFuture(new AssertionError("the write succeeded")))
        .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
          assertThat(all.<Optional<Message>>resultAt(0)).isEmpty();
          assertThat(all.<List<InboxEvent>>resultAt(1)).isEmpty();
          assertThat(all.<Long>resultAt(2)).isEqualTo(303L); // the key was still free
          testContext.completeNow();
        })))
        .mapEmpty();
  }

  private static Message message(long msgId, String clientId) {
    return new Message(msgId, CONVERSATION, "alice", "phone", clientId, "text", "hello", 1_700_000_000_000L);
  }

  private static List<InboxEvent> events(Message message) {
    String payload = "{\"type\":\"message\",\"msgId\":" + message.msgId() + "}";
    return PARTICIPANTS.stream().map(user -> InboxEvent.pending(user, message.msgId(), payload)).toList();
  }
}
