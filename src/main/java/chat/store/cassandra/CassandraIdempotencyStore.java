package chat.store.cassandra;

import static chat.store.cassandra.Cql.bind;

import chat.store.IdempotencyStore;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.vertx.core.Future;
import java.util.List;

/**
 * Idempotency keys in Cassandra.
 *
 * <p>Table {@code idempotency_keys}: key ({@code sender_id}, {@code client_id}), both in the
 * partition key; column msg_id. A claim is one {@code INSERT ... IF NOT EXISTS} (a lightweight
 * transaction): when it is not applied, the row it returns holds the msg_id claimed first.
 *
 * <p>Keys expire after {@link #TTL_SECONDS} (7 days): a client retries a send within seconds or, if
 * it was offline, at its next connect; a retry later than a week would be stored as a new message.
 * The SQLite adapter keeps keys forever; here the TTL keeps the table from growing without bound.
 */
final class CassandraIdempotencyStore implements IdempotencyStore {
  static final int TTL_SECONDS = 7 * 24 * 3600;
  static final List<String> SCHEMA = List.of("""
      CREATE TABLE IF NOT EXISTS $ks.idempotency_keys (
        sender_id text,
        client_id text,
        msg_id bigint,
        PRIMARY KEY ((sender_id, client_id))
      )""");

  private final Cql cql;
  private PreparedStatement claim;

  CassandraIdempotencyStore(Cql cql) {
    this.cql = cql;
  }

  Future<Void> prepare() {
    return cql.prepare("INSERT INTO $ks.idempotency_keys (sender_id, client_id, msg_id) VALUES (?, ?, ?) "
        + "IF NOT EXISTS USING TTL " + TTL_SECONDS).onSuccess(ps -> claim = ps).mapEmpty();
  }

  @Override
  public Future<Long> claim(String senderId, String clientId, long candidateMsgId) {
    return cql.execute(bind(claim, senderId, clientId, candidateMsgId)).map(rs -> {
      if (rs.wasApplied()) {
        return candidateMsgId;
      }
      return rs.one().getLong("msg_id");
    });
  }
}
