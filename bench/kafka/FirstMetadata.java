import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Start-up probe for bench/kafka-bench.sh, run as a single-file program started before the
 * broker, so that its own JVM start-up is not counted: asks for the cluster's nodes (a Metadata
 * request) until the broker answers, then prints the milliseconds from the broker's launch (the
 * epoch milliseconds the script writes into {@code LAUNCH_FILE} just before launching it) to that
 * answer.
 *
 * <pre>java -cp 'bench/work/kafka-lib/*' bench/kafka/FirstMetadata.java HOST:PORT LAUNCH_FILE</pre>
 */
public final class FirstMetadata {
  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    Path launchFile = Path.of(args[1]);
    long deadline = System.currentTimeMillis() + TimeUnit.SECONDS.toMillis(180);
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
          if (!admin.describeCluster().nodes().get(1, TimeUnit.SECONDS).isEmpty()
              && Files.exists(launchFile)) {
            long answeredAt = System.currentTimeMillis();
            long launchedAt = Long.parseLong(Files.readString(launchFile).trim());
            System.out.println(answeredAt - launchedAt);
            return;
          }
        } catch (Exception notYet) {
          Thread.sleep(10);
        }
      }
    }
    System.err.println("no Metadata answer from " + bootstrap + " within 180 s");
    System.exit(1);
  }
}
