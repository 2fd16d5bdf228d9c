import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Start-up probe for bench/kafka-bench.sh, run as a single-file program beside the broker being
 * started: asks for the cluster's nodes (a Metadata request) until the broker answers, then prints
 * the milliseconds from {@code launchedAtMillis} (when the broker's JVM was launched) to that
 * answer.
 *
 * <pre>java -cp 'bench/work/kafka-lib/*' bench/kafka/FirstMetadata.java HOST:PORT LAUNCHED_AT_MS</pre>
 */
public final class FirstMetadata {
  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    long launchedAt = Long.parseLong(args[1]);
    long deadline = launchedAt + TimeUnit.SECONDS.toMillis(120);
    Map<String, Object> config =
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 20,
            AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 20,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 1000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 120_000);
    try (Admin admin = Admin.create(config)) {
      while (System.currentTimeMillis() < deadline) {
        try {
          if (!admin.describeCluster().nodes().get(1, TimeUnit.SECONDS).isEmpty()) {
            System.out.println(System.currentTimeMillis() - launchedAt);
            return;
          }
        } catch (Exception notYet) {
          Thread.sleep(10);
        }
      }
    }
    System.err.println("no Metadata answer from " + bootstrap + " within 120 s");
    System.exit(1);
  }
}
