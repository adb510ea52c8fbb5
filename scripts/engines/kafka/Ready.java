import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Readiness probe used by scripts/kafka.sh: exits 0 once the broker answers a
 * metadata request and lists itself as a live (unfenced) broker, which is what a
 * producer needs for its first send. Usage: Ready host:port timeoutMs
 */
public class Ready {
  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    long deadline = System.currentTimeMillis() + Long.parseLong(args[1]);
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
    p.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, "100");
    p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "250");
    String last = "no answer";
    try (Admin admin = Admin.create(p)) {
      while (System.currentTimeMillis() < deadline) {
        try {
          var cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000));
          var nodes = cluster.nodes().get(3, TimeUnit.SECONDS);
          if (!nodes.isEmpty() && cluster.controller().get(3, TimeUnit.SECONDS) != null) {
            System.out.println("ready: " + nodes.size() + " live broker(s)");
            return;
          }
          last = "no live broker yet";
        } catch (Exception e) {
          last = String.valueOf(e.getCause() != null ? e.getCause() : e);
        }
        Thread.sleep(200);
      }
    }
    System.out.println("not ready: " + last);
    System.exit(1);
  }
}
