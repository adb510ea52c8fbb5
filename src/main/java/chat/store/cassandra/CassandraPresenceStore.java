package chat.store.cassandra;

import static chat.store.cassandra.Cql.bind;

import chat.store.PresenceStore;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.vertx.core.Future;
import java.util.List;

/**
 * Presence facts in Cassandra.
 *
 * <p>Table {@code presence}: key {@code user_id}; columns last_seen (ms), hide_last_seen (boolean;
 * absent means shown). last_seen is written {@code USING TIMESTAMP <last_seen in µs>}, so of two
 * nodes recording it the later moment wins, whatever order the writes arrive in.
 */
final class CassandraPresenceStore implements PresenceStore {
  static final List<String> SCHEMA = List.of(
      "CREATE TABLE IF NOT EXISTS $ks.presence (user_id text PRIMARY KEY, last_seen bigint, hide_last_seen boolean)");

  private final Cql cql;
  private PreparedStatement writeLastSeen;
  private PreparedStatement writeHide;
  private PreparedStatement read;

  CassandraPresenceStore(Cql cql) {
    this.cql = cql;
  }

  Future<Void> prepare() {
    return Future.all(List.of(
        cql.prepare("UPDATE $ks.presence USING TIMESTAMP ? SET last_seen = ? WHERE user_id = ?")
            .onSuccess(ps -> writeLastSeen = ps),
        cql.prepare("UPDATE $ks.presence SET hide_last_seen = ? WHERE user_id = ?").onSuccess(ps -> writeHide = ps),
        cql.prepare("SELECT last_seen, hide_last_seen FROM $ks.presence WHERE user_id = ?")
            .onSuccess(ps -> read = ps))).mapEmpty();
  }

  @Override
  public Future<Void> recordLastSeen(String userId, long at) {
    return cql.execute(bind(writeLastSeen, at * 1000, at, userId)).mapEmpty();
  }

  @Override
  public Future<Void> setShowLastSeen(String userId, boolean show) {
    return cql.execute(bind(writeHide, !show, userId)).mapEmpty();
  }

  @Override
  public Future<Seen> of(String userId) {
    return cql.one(bind(read, userId)).map(row -> row == null ? new Seen(userId, null, true)
        : new Seen(userId, row.isNull(0) ? null : row.getLong(0), row.isNull(1) || !row.getBoolean(1)));
  }
}
