package chat.store.cassandra;

import static chat.store.cassandra.Cql.bind;

import chat.store.PushSubscription;
import chat.store.PushSubscriptionStore;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.vertx.core.Future;
import java.util.Comparator;
import java.util.List;

/**
 * Web Push subscriptions in Cassandra.
 *
 * <p>Table {@code push_subscriptions}: partition key {@code user_id}, clustering key {@code endpoint};
 * columns p256dh, auth (base64url), created_at (ms): a user's subscriptions in one partition read.
 * Table {@code push_subscription_owners}: key {@code endpoint}; column user_id: who holds an endpoint,
 * so saving it for another user can delete the previous holder's row.
 *
 * <p>The rows of both tables change together in a logged batch, so a half-applied change is
 * completed by Cassandra rather than left behind. Two users saving the same endpoint at the same
 * instant may both keep it until the next save; endpoints are per browser profile, so that needs
 * two logins racing on one browser.
 */
final class CassandraPushSubscriptionStore implements PushSubscriptionStore {
  static final List<String> SCHEMA = List.of("""
      CREATE TABLE IF NOT EXISTS $ks.push_subscriptions (
        user_id text,
        endpoint text,
        p256dh text,
        auth text,
        created_at bigint,
        PRIMARY KEY (user_id, endpoint)
      )""",
      "CREATE TABLE IF NOT EXISTS $ks.push_subscription_owners (endpoint text PRIMARY KEY, user_id text)");

  private final Cql cql;
  private PreparedStatement insert;
  private PreparedStatement selectOfUser;
  private PreparedStatement selectOne;
  private PreparedStatement delete;
  private PreparedStatement setOwner;
  private PreparedStatement selectOwner;
  private PreparedStatement deleteOwner;

  CassandraPushSubscriptionStore(Cql cql) {
    this.cql = cql;
  }

  Future<Void> prepare() {
    return Future.all(List.of(
        cql.prepare("INSERT INTO $ks.push_subscriptions (user_id, endpoint, p256dh, auth, created_at) "
            + "VALUES (?, ?, ?, ?, ?)").onSuccess(ps -> insert = ps),
        cql.prepare("SELECT endpoint, p256dh, auth, created_at FROM $ks.push_subscriptions WHERE user_id = ?")
            .onSuccess(ps -> selectOfUser = ps),
        cql.prepare("SELECT endpoint FROM $ks.push_subscriptions WHERE user_id = ? AND endpoint = ?")
            .onSuccess(ps -> selectOne = ps),
        cql.prepare("DELETE FROM $ks.push_subscriptions WHERE user_id = ? AND endpoint = ?")
            .onSuccess(ps -> delete = ps),
        cql.prepare("INSERT INTO $ks.push_subscription_owners (endpoint, user_id) VALUES (?, ?)")
            .onSuccess(ps -> setOwner = ps),
        cql.prepare("SELECT user_id FROM $ks.push_subscription_owners WHERE endpoint = ?")
            .onSuccess(ps -> selectOwner = ps),
        cql.prepare("DELETE FROM $ks.push_subscription_owners WHERE endpoint = ?")
            .onSuccess(ps -> deleteOwner = ps))).mapEmpty();
  }

  @Override
  public Future<Void> save(PushSubscription s) {
    return cql.one(bind(selectOwner, s.endpoint())).compose(owner -> {
      BatchStatementBuilder batch = BatchStatement.builder(BatchType.LOGGED);
      if (owner != null && !owner.getString(0).equals(s.userId())) {
        batch.addStatement(bind(delete, owner.getString(0), s.endpoint()));
      }
      batch.addStatement(bind(insert, s.userId(), s.endpoint(), s.p256dh(), s.auth(), s.createdAt()));
      batch.addStatement(bind(setOwner, s.endpoint(), s.userId()));
      return cql.execute(batch.build()).mapEmpty();
    });
  }

  @Override
  public Future<List<PushSubscription>> of(String userId) {
    return cql.all(bind(selectOfUser, userId)).map(rows -> rows.stream()
        .map(row -> subscription(userId, row))
        .sorted(Comparator.comparingLong(PushSubscription::createdAt).thenComparing(PushSubscription::endpoint))
        .toList());
  }

  @Override
  public Future<Boolean> remove(String userId, String endpoint) {
    Future<Row> mine = cql.one(bind(selectOne, userId, endpoint));
    Future<Row> owner = cql.one(bind(selectOwner, endpoint));
    return Future.all(mine, owner).compose(found -> {
      if (mine.result() == null) {
        return Future.succeededFuture(false);
      }
      BatchStatementBuilder batch = BatchStatement.builder(BatchType.LOGGED)
          .addStatement(bind(delete, userId, endpoint));
      if (owner.result() != null && owner.result().getString(0).equals(userId)) {
        batch.addStatement(bind(deleteOwner, endpoint));
      }
      return cql.execute(batch.build()).map(true);
    });
  }

  private static PushSubscription subscription(String userId, Row row) {
    return new PushSubscription(userId, row.getString(0), row.getString(1), row.getString(2), row.getLong(3));
  }
}
