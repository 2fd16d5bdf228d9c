package io.watershed.kafka.handlers;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a client that asks for Kafka transactions is told, and the one log line about it: this
 * broker has no transaction coordinator (none of the transactional APIs is advertised), so a
 * transactional producer is refused at its first step, looking up the coordinator, with a message
 * that says why and what to use instead.
 */
final class TransactionsRefusal {
  private static final Logger LOG = LoggerFactory.getLogger(TransactionsRefusal.class);

  /** Logged once per process: a refusal is the client's configuration, not worth a line each. */
  private static final AtomicBoolean LOGGED = new AtomicBoolean();

  /** The error message clients get (where the protocol carries one). */
  static final String MESSAGE =
      "Kafka transactions are not supported by this broker (Watershed): unset transactional.id;"
          + " an idempotent producer (enable.idempotence=true, the default) still writes each"
          + " record exactly once per partition";

  private TransactionsRefusal() {}

  /** Notes a refused transactional request; the first one of the process is logged. */
  static void refused(String what) {
    if (LOGGED.compareAndSet(false, true)) {
      LOG.info(
          "Refused {}: Kafka transactions are not supported. Further refusals are not logged.",
          what);
    }
  }
}
