package chat.store.sqlite;

import chat.store.DuplicateKeyException;
import chat.store.Group;
import chat.store.GroupStore;
import io.vertx.core.Future;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Optional;

/**
 * Groups in SQLite.
 *
 * <p>Table {@code groups}: key {@code group_id}; columns title, version, created_at, members (the
 * member list as JSON, {@link Group#membersJson}). A replace is {@code UPDATE ... WHERE version = ?}
 * on the single writer, so it applies only over the version it was computed from.
 */
final class SqliteGroupStore implements GroupStore {
  static final List<String> SCHEMA = List.of("""
      CREATE TABLE IF NOT EXISTS groups (
        group_id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        version INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        members TEXT NOT NULL
      ) WITHOUT ROWID""");

  private final SqliteEngine engine;

  SqliteGroupStore(SqliteEngine engine) {
    this.engine = engine;
  }

  @Override
  public Future<Void> create(Group group) {
    return engine.write(db -> {
      PreparedStatement ps = db.prepare("INSERT INTO groups (group_id, title, version, created_at, members) "
          + "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
      ps.setString(1, group.groupId());
      ps.setString(2, group.title());
      ps.setLong(3, group.version());
      ps.setLong(4, group.createdAt());
      ps.setString(5, group.membersJson());
      if (ps.executeUpdate() == 0) {
        throw new DuplicateKeyException("group id already exists");
      }
      return null;
    });
  }

  @Override
  public Future<Optional<Group>> find(String groupId) {
    return engine.read(db -> {
      PreparedStatement ps = db.prepare("SELECT title, version, created_at, members FROM groups WHERE group_id = ?");
      ps.setString(1, groupId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(new Group(groupId, rs.getString(1), rs.getLong(2), rs.getLong(3),
            Group.membersFromJson(rs.getString(4)))) : Optional.<Group>empty();
      }
    });
  }

  @Override
  public Future<Boolean> replace(Group next) {
    return engine.write(db -> {
      PreparedStatement ps = db.prepare(
          "UPDATE groups SET title = ?, version = ?, members = ? WHERE group_id = ? AND version = ?");
      ps.setString(1, next.title());
      ps.setLong(2, next.version());
      ps.setString(3, next.membersJson());
      ps.setString(4, next.groupId());
      ps.setLong(5, next.version() - 1);
      return ps.executeUpdate() == 1;
    });
  }
}
