import com.datastax.driver.core.Cluster;
import com.datastax.driver.core.ColumnDefinitions;
import com.datastax.driver.core.ResultSet;
import com.datastax.driver.core.Row;
import com.datastax.driver.core.Session;

/**
 * Minimal CQL runner for scripts/cassandra.sh (uses the driver that ships inside
 * cassandra-all). Runs each argument as one statement and prints result rows as
 * tab-separated values. Usage: Cql host port statement...
 */
public class Cql {
  public static void main(String[] args) {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    try (Cluster cluster = Cluster.builder().addContactPoint(host).withPort(port)
            .withoutMetrics().withoutJMXReporting().build();
         Session session = cluster.connect()) {
      for (int i = 2; i < args.length; i++) {
        ResultSet rs = session.execute(args[i]);
        ColumnDefinitions cols = rs.getColumnDefinitions();
        for (Row row : rs) {
          StringBuilder sb = new StringBuilder();
          for (int c = 0; c < cols.size(); c++) {
            if (c > 0) sb.append('\t');
            sb.append(row.getObject(c));
          }
          System.out.println(sb);
        }
      }
    }
  }
}
