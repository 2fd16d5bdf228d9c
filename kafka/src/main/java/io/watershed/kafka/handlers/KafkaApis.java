package io.watershed.kafka.handlers;

import io.watershed.kafka.ApiRegistry;
import io.watershed.kafka.KafkaBroker;

/**
 * The Kafka APIs this broker serves: registers one handler per API and owns the state they share
 * (fetch sessions, waiting fetches).
 */
public final class KafkaApis implements AutoCloseable {
  private final KafkaBroker broker;

  public KafkaApis(KafkaBroker broker) {
    this.broker = broker;
    ApiRegistry r = broker.registry();
    FetchSessions sessions = new FetchSessions();
    FetchWaiters waiters = new FetchWaiters();
    r.register(new ApiVersionsHandler(r));
    r.register(new MetadataHandler(broker));
    r.register(new ProduceHandler(broker));
    r.register(new FetchHandler(broker, sessions, waiters));
    r.register(new ListOffsetsHandler(broker));
    r.register(new InitProducerIdHandler(broker));
    r.register(new OffsetForLeaderEpochHandler(broker));
  }

  /** Starts background work (group session timers); called once the listener is bound. */
  public void start() {
    // Nothing yet beyond the handlers; group coordination adds its timers here.
  }

  public KafkaBroker broker() {
    return broker;
  }

  @Override
  public void close() {
    // Nothing to stop yet.
  }
}
