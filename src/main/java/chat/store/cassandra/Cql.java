package chat.store.cassandra;

import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import io.vertx.cassandra.CassandraClient;
import io.vertx.cassandra.ResultSet;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;

/**
 * The adapters' view of one Cassandra session: CQL with {@code $ks} standing for the keyspace
 * (statements name it explicitly, so the session needs no keyspace and open() can create it), and
 * small async helpers over the Vert.x client.
 */
final class Cql {
  /** Schema changes wait for schema agreement, which can take seconds on a busy node. */
  static final Duration DDL_TIMEOUT = Duration.ofSeconds(60);

  private final CassandraClient client;
  private final String keyspace;

  Cql(CassandraClient client, String keyspace) {
    this.client = client;
    this.keyspace = keyspace;
  }

  String expand(String cql) {
    return cql.replace("$ks", keyspace);
  }

  Future<PreparedStatement> prepare(String cql) {
    return client.prepare(expand(cql));
  }

  /** Runs a schema statement (with {@code $ks} expanded) with the long DDL timeout. */
  Future<Void> ddl(String cql) {
    return client.execute(SimpleStatement.newInstance(expand(cql)).setTimeout(DDL_TIMEOUT)).mapEmpty();
  }

  Future<ResultSet> execute(Statement<?> statement) {
    return client.execute(statement);
  }

  /** The first row of the result, or null when there is none. */
  Future<Row> one(Statement<?> statement) {
    return client.execute(statement).map(ResultSet::one);
  }

  /** Every row of the result, all pages fetched. */
  Future<List<Row>> all(Statement<?> statement) {
    return client.executeWithFullFetch(statement);
  }

  /**
   * Binds values by position; a null is left unset rather than bound to null, so optional columns
   * of a new row cost no tombstone. Values are String, Long, Integer or Boolean.
   */
  static BoundStatement bind(PreparedStatement statement, Object... values) {
    BoundStatementBuilder builder = statement.boundStatementBuilder();
    for (int i = 0; i < values.length; i++) {
      Object value = values[i];
      if (value instanceof String s) {
        builder.setString(i, s);
      } else if (value instanceof Long l) {
        builder.setLong(i, l);
      } else if (value instanceof Integer n) {
        builder.setInt(i, n);
      } else if (value instanceof Boolean b) {
        builder.setBoolean(i, b);
      } else if (value != null) {
        throw new IllegalArgumentException("unsupported bind value " + value.getClass());
      }
    }
    return builder.build();
  }
}
