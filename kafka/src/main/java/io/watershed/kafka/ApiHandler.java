package io.watershed.kafka;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;

/**
 * Serves one Kafka API. There is one handler class per API; {@link ApiRegistry} holds them and
 * advertises exactly their version ranges in ApiVersions.
 *
 * <p>Contract: {@link #handle} is called on the connection's event loop and must not block it (disk
 * reads, fsyncs and metadata writes run elsewhere and complete the future). The future completes
 * with the response, or with {@code null} when the request gets no response (Produce with {@code
 * acks=0}); an exceptional completion is answered with the request's own error response, its error
 * code chosen by {@link KafkaErrors}, except {@link CloseConnection}, which closes the connection
 * once the responses to earlier requests are written.
 */
public interface ApiHandler {
  ApiKeys apiKey();

  /** Oldest version served. */
  default short minVersion() {
    return apiKey().oldestVersion();
  }

  /** Newest version served; never an unstable one. */
  default short maxVersion() {
    return apiKey().latestVersion(false);
  }

  CompletableFuture<AbstractResponse> handle(KafkaRequest request);
}
