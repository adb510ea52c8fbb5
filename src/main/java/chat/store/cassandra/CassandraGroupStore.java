package chat.store.cassandra;

import static chat.store.cassandra.Cql.bind;

import chat.store.DuplicateKeyException;
import chat.store.Group;
import chat.store.GroupStore;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * Groups in Cassandra.
 *
 * <p>Table {@code groups}: key {@code group_id}; columns title, version, created_at, members (the
 * member list as JSON, {@link Group#membersJson}; at most {@code groups.maxMembers} entries, tens of
 * kilobytes). Written only through lightweight transactions: {@code INSERT ... IF NOT EXISTS} to
 * create, {@code UPDATE ... IF version = ?} to replace, so concurrent changes from different nodes
 * are serialised by Paxos and a change computed from a stale read is refused. Reads are plain
 * LOCAL_QUORUM: a change is committed before anyone acts on it (its system message is produced
 * after the LWT completes), and a change computed from a stale read fails its version check and is
 * recomputed. Serial reads were tried and timed out under load, contending with the LWTs.
 */
final class CassandraGroupStore implements GroupStore {
  static final List<String> SCHEMA = List.of("""
      CREATE TABLE IF NOT EXISTS $ks.groups (
        group_id text PRIMARY KEY,
        title text,
        version bigint,
        created_at bigint,
        members text
      )""");

  private final Cql cql;
  private PreparedStatement insert;
  private PreparedStatement select;
  private PreparedStatement update;

  CassandraGroupStore(Cql cql) {
    this.cql = cql;
  }

  Future<Void> prepare() {
    return Future.all(List.of(
        cql.prepare("INSERT INTO $ks.groups (group_id, title, version, created_at, members) VALUES (?, ?, ?, ?, ?) "
            + "IF NOT EXISTS").onSuccess(ps -> insert = ps),
        cql.prepare("SELECT title, version, created_at, members FROM $ks.groups WHERE group_id = ?")
            .onSuccess(ps -> select = ps),
        cql.prepare("UPDATE $ks.groups SET title = ?, version = ?, members = ? WHERE group_id = ? IF version = ?")
            .onSuccess(ps -> update = ps))).mapEmpty();
  }

  @Override
  public Future<Void> create(Group group) {
    return cql.execute(bind(insert, group.groupId(), group.title(), group.version(), group.createdAt(),
        group.membersJson())).compose(rs -> rs.wasApplied() ? Future.<Void>succeededFuture()
        : Future.failedFuture(new DuplicateKeyException("group id already exists")));
  }

  @Override
  public Future<Optional<Group>> find(String groupId) {
    return cql.one(bind(select, groupId)).map(row -> row == null
        ? Optional.empty()
        : Optional.of(new Group(groupId, row.getString(0), row.getLong(1), row.getLong(2),
            Group.membersFromJson(row.getString(3)))));
  }

  @Override
  public Future<Boolean> replace(Group next) {
    return cql.execute(bind(update, next.title(), next.version(), next.membersJson(), next.groupId(),
        next.version() - 1)).map(rs -> rs.wasApplied());
  }
}
