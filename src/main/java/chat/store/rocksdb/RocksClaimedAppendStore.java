package chat.store.rocksdb;

import chat.store.ClaimedAppendStore;
import chat.store.InboxEvent;
import chat.store.Message;
import io.vertx.core.Future;
import java.util.List;

/**
 * The claim, history and inbox writes of a new message as one write of the RocksDB writer (one
 * savepoint of the group's batch, one log fsync). Tables: {@code k} ({@link RocksIdempotencyStore}),
 * {@code m} and {@code c} ({@link RocksMessageStore}), {@code i}, {@code e} and {@code f}
 * ({@link RocksInboxStore}); their keys are listed there.
 */
final class RocksClaimedAppendStore implements ClaimedAppendStore {
  private final RocksEngine engine;
  private final RocksMessageStore messages;
  private final RocksInboxStore inbox;

  RocksClaimedAppendStore(RocksEngine engine, RocksMessageStore messages, RocksInboxStore inbox) {
    this.engine = engine;
    this.messages = messages;
    this.inbox = inbox;
  }

  @Override
  public Future<ClaimedAppend> claimAndAppend(String idempotencyKey, Message candidate, List<String> participants,
                                              List<InboxEvent> events) {
    return engine.write(batch -> {
      long msgId = RocksIdempotencyStore.claim(batch, candidate.senderId(), idempotencyKey, candidate.msgId());
      if (msgId != candidate.msgId()) {
        return new ClaimedAppend(msgId, List.of());
      }
      // a msgId is minted once; were one ever reused, the inbox append finds its event and fails the write
      messages.appendNew(batch, candidate, participants);
      return new ClaimedAppend(msgId, inbox.appendUnseen(batch, events));
    });
  }
}
