package io.watershed.kafka;

import io.netty.util.concurrent.EventExecutor;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestContext;

/**
 * One decoded request as a handler sees it.
 *
 * @param context Kafka's request context: header (API, version, client id, correlation id) and peer
 *     address
 * @param body the parsed request
 * @param eventLoop the connection's event loop; handlers are called on it and must not block it
 */
public record KafkaRequest(RequestContext context, AbstractRequest body, EventExecutor eventLoop) {
  /** The body as the request class the handler expects. */
  public <T extends AbstractRequest> T body(Class<T> type) {
    return type.cast(body);
  }

  public short version() {
    return context.apiVersion();
  }
}
