package io.watershed.kafka;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaFuture;

/** The real Kafka AdminClient against a test server, and the assertions tests make with it. */
final class AdminClients {
  private AdminClients() {}

  static Admin admin(String bootstrap) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    return Admin.create(p);
  }

  /** Asserts that {@code future} fails with a cause of {@code type}, as the AdminClient reports. */
  static void assertFailsWith(KafkaFuture<?> future, Class<? extends Throwable> type) {
    assertThatThrownBy(future::get).cause().isInstanceOf(type);
  }
}
