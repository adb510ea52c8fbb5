package chat.store.rocksdb;

import chat.store.IdempotencyStore;
import io.vertx.core.Future;
import org.rocksdb.RocksDBException;

/**
 * Idempotency keys in RocksDB.
 *
 * <p>Table {@code k}, in column family {@value RocksEngine#CLAIMS_FAMILY}: key (sender id, client id);
 * value the msgId that holds it.
 */
final class RocksIdempotencyStore implements IdempotencyStore {
  /** Table {@code k}'s tag: its keys live in their own column family ({@link RocksEngine#CLAIMS_FAMILY}). */
  static final char TABLE = 'k';
  private final RocksEngine engine;

  RocksIdempotencyStore(RocksEngine engine) {
    this.engine = engine;
  }

  @Override
  public Future<Long> claim(String senderId, String clientId, long candidateMsgId) {
    return engine.write(batch -> claim(batch, senderId, clientId, candidateMsgId));
  }

  /** The claim as part of a larger write, on the writer thread. */
  static long claim(RocksEngine.Batch batch, String senderId, String clientId, long candidateMsgId)
      throws RocksDBException {
    byte[] key = key(senderId, clientId);
    byte[] held = batch.get(key);
    if (held != null) {
      return new Bytes.Reader(held, 0).i64();
    }
    batch.put(key, value(candidateMsgId));
    return candidateMsgId;
  }

  static byte[] key(String senderId, String clientId) {
    return Bytes.key(TABLE).id(senderId).id(clientId).bytes();
  }

  static byte[] value(long msgId) {
    return Bytes.value().i64(msgId).bytes();
  }
}
