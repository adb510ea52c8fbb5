package chat.store.cassandra;

import static chat.store.cassandra.Cql.bind;

import chat.store.Receipt;
import chat.store.ReceiptStore;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.vertx.core.Future;
import java.util.List;

/**
 * Receipt watermarks in Cassandra.
 *
 * <p>Table {@code receipts}: partition {@code conversation_id}, clustering {@code user_id}; columns
 * delivered, read_up_to (msgIds). Every write is {@code USING TIMESTAMP <upTo>}: Cassandra keeps the cell
 * with the highest write timestamp, so a cell always holds the highest msgId ever written to it,
 * whichever node writes and in whatever order, with no read before the write. Nothing else writes
 * this table, so no ordinary (clock) timestamp competes with these.
 */
final class CassandraReceiptStore implements ReceiptStore {
  static final List<String> SCHEMA = List.of("""
      CREATE TABLE IF NOT EXISTS $ks.receipts (
        conversation_id text,
        user_id text,
        delivered bigint,
        read_up_to bigint,
        PRIMARY KEY (conversation_id, user_id)
      )""");

  private final Cql cql;
  private PreparedStatement advanceDelivered;
  private PreparedStatement advanceRead;
  private PreparedStatement one;
  private PreparedStatement all;

  CassandraReceiptStore(Cql cql) {
    this.cql = cql;
  }

  Future<Void> prepare() {
    return Future.all(List.of(
        cql.prepare("UPDATE $ks.receipts USING TIMESTAMP ? SET delivered = ? WHERE conversation_id = ? AND user_id = ?")
            .onSuccess(ps -> advanceDelivered = ps),
        cql.prepare("UPDATE $ks.receipts USING TIMESTAMP ? SET delivered = ?, read_up_to = ? "
            + "WHERE conversation_id = ? AND user_id = ?").onSuccess(ps -> advanceRead = ps),
        cql.prepare("SELECT user_id, delivered, read_up_to FROM $ks.receipts WHERE conversation_id = ? AND user_id = ?")
            .onSuccess(ps -> one = ps),
        cql.prepare("SELECT user_id, delivered, read_up_to FROM $ks.receipts WHERE conversation_id = ?")
            .onSuccess(ps -> all = ps))).mapEmpty();
  }

  @Override
  public Future<Void> advance(Receipt receipt) {
    long upTo = receipt.upTo();
    return cql.execute(receipt.status() == Receipt.Status.READ
        ? bind(advanceRead, upTo, upTo, upTo, receipt.conversationId(), receipt.userId())
        : bind(advanceDelivered, upTo, upTo, receipt.conversationId(), receipt.userId())).mapEmpty();
  }

  @Override
  public Future<Watermarks> of(String conversationId, String userId) {
    return cql.one(bind(one, conversationId, userId))
        .map(row -> row == null ? new Watermarks(userId, null, null) : watermarks(row));
  }

  @Override
  public Future<List<Watermarks>> all(String conversationId) {
    return cql.all(bind(all, conversationId)).map(rows -> rows.stream().map(CassandraReceiptStore::watermarks).toList());
  }

  private static Watermarks watermarks(Row row) {
    return new Watermarks(row.getString(0), row.isNull(1) ? null : row.getLong(1), row.isNull(2) ? null : row.getLong(2));
  }
}
