package chat.store.sqlite;

import chat.store.ClaimedAppendStore;
import chat.store.InboxEvent;
import chat.store.Message;
import io.vertx.core.Future;
import java.util.List;

/**
 * The claim, history and inbox writes of a new message as one write of the SQLite writer (one
 * savepoint, one group commit). Tables: {@code idempotency_keys} ({@link SqliteIdempotencyStore}),
 * {@code messages} and {@code user_conversations} ({@link SqliteMessageStore}), {@code inbox} and
 * {@code inbox_fanout} ({@link SqliteInboxStore}); their keys are listed there.
 */
final class SqliteClaimedAppendStore implements ClaimedAppendStore {
  private final SqliteEngine engine;
  private final SqliteInboxStore inbox;

  SqliteClaimedAppendStore(SqliteEngine engine, SqliteInboxStore inbox) {
    this.engine = engine;
    this.inbox = inbox;
  }

  @Override
  public Future<ClaimedAppend> claimAndAppend(String idempotencyKey, Message candidate, List<String> participants,
                                              List<InboxEvent> events) {
    return engine.write(db -> {
      long msgId = SqliteIdempotencyStore.claim(db, candidate.senderId(), idempotencyKey, candidate.msgId());
      if (msgId != candidate.msgId()) {
        return new ClaimedAppend(msgId, List.of());
      }
      SqliteMessageStore.append(db, candidate, participants);
      return new ClaimedAppend(msgId, inbox.appendUnseen(db, events));
    });
  }
}
