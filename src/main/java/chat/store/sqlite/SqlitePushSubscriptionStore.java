package chat.store.sqlite;

import chat.store.PushSubscription;
import chat.store.PushSubscriptionStore;
import io.vertx.core.Future;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/**
 * Web Push subscriptions in SQLite.
 *
 * <p>Table {@code push_subscriptions}: key {@code endpoint} (so an endpoint has one owner; saving it
 * again, for any user, is an upsert that moves it); columns user_id, p256dh, auth (base64url),
 * created_at (ms). Index {@code push_subscriptions_user} on (user_id, created_at).
 */
final class SqlitePushSubscriptionStore implements PushSubscriptionStore {
  static final List<String> SCHEMA = List.of("""
      CREATE TABLE IF NOT EXISTS push_subscriptions (
        endpoint TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        p256dh TEXT NOT NULL,
        auth TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID""",
      "CREATE INDEX IF NOT EXISTS push_subscriptions_user ON push_subscriptions (user_id, created_at)");

  private final SqliteEngine engine;

  SqlitePushSubscriptionStore(SqliteEngine engine) {
    this.engine = engine;
  }

  @Override
  public Future<Void> save(PushSubscription s) {
    return engine.write(db -> {
      PreparedStatement ps = db.prepare("INSERT INTO push_subscriptions (endpoint, user_id, p256dh, auth, created_at) "
          + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id, "
          + "p256dh = excluded.p256dh, auth = excluded.auth, created_at = excluded.created_at");
      ps.setString(1, s.endpoint());
      ps.setString(2, s.userId());
      ps.setString(3, s.p256dh());
      ps.setString(4, s.auth());
      ps.setLong(5, s.createdAt());
      ps.executeUpdate();
      return null;
    });
  }

  @Override
  public Future<List<PushSubscription>> of(String userId) {
    return engine.read(db -> {
      PreparedStatement ps = db.prepare("SELECT endpoint, p256dh, auth, created_at FROM push_subscriptions "
          + "WHERE user_id = ? ORDER BY created_at, endpoint");
      ps.setString(1, userId);
      List<PushSubscription> found = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          found.add(new PushSubscription(userId, rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
        }
      }
      return found;
    });
  }

  @Override
  public Future<Boolean> remove(String userId, String endpoint) {
    return engine.write(db -> {
      PreparedStatement ps = db.prepare("DELETE FROM push_subscriptions WHERE endpoint = ? AND user_id = ?");
      ps.setString(1, endpoint);
      ps.setString(2, userId);
      return ps.executeUpdate() == 1;
    });
  }
}
