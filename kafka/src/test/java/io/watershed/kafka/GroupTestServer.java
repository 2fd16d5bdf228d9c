package io.watershed.kafka;

import java.nio.file.Path;

/**
 * A Kafka test server for consumer-group tests, reached through a {@link ClientCuttingProxy}: a
 * test can cut one client off (a consumer that died without leaving) and restart the server on the
 * same data directory while clients keep their bootstrap address.
 *
 * <p>Group timings are short so that rebalances and session expiry take seconds: no initial
 * rebalance delay, the smallest classic session timeout Kafka allows by default (6 s), and for
 * consumer-protocol groups a 6 s session and a 500 ms heartbeat interval.
 */
final class GroupTestServer implements AutoCloseable {
  static final int SESSION_TIMEOUT_MS = 6000;

  private final Path dataDir;
  private final ClientCuttingProxy proxy;
  private final KafkaConfig config;
  private KafkaTestServer server;

  GroupTestServer(Path dataDir) throws Exception {
    this.dataDir = dataDir;
    this.proxy = new ClientCuttingProxy();
    KafkaConfig d = KafkaConfig.defaults("127.0.0.1", 0, "127.0.0.1");
    this.config =
        new KafkaConfig(
            d.bindHost(),
            d.port(),
            d.advertisedHost(),
            proxy.port(),
            d.nodeId(),
            d.maxRequestBytes(),
            d.maxInFlightPerConnection(),
            d.autoCreateTopics(),
            d.defaultPartitions(),
            0,
            SESSION_TIMEOUT_MS,
            d.groupMaxSessionTimeoutMs(),
            SESSION_TIMEOUT_MS,
            500);
    start();
  }

  private void start() throws Exception {
    server = new KafkaTestServer(dataDir, config);
    proxy.forwardTo(server.door().port());
  }

  /** Closes the server and opens a new one on the same data directory, behind the same proxy. */
  void restart() throws Exception {
    server.close();
    start();
  }

  String bootstrap() {
    return "127.0.0.1:" + proxy.port();
  }

  KafkaTestServer server() {
    return server;
  }

  /** Cuts the client with this client id off, as if its process had died. */
  void cut(String clientId) {
    proxy.cut(clientId);
  }

  @Override
  public void close() throws java.io.IOException {
    try {
      server.close();
    } finally {
      proxy.close();
    }
  }
}
