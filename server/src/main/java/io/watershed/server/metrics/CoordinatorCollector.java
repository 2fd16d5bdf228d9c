package io.watershed.server.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.watershed.core.coordinator.CoordinatorRuntime;
import io.watershed.core.coordinator.CoordinatorStats;
import java.util.function.Supplier;

/**
 * The coordinator runtime's figures at scrape time: the control-plane path every door's durable
 * state (Kinesis catalog, subscription cursors) takes, with its group commits and failures.
 */
final class CoordinatorCollector implements MultiCollector {
  private final Supplier<CoordinatorRuntime> runtime;

  CoordinatorCollector(Supplier<CoordinatorRuntime> runtime) {
    this.runtime = runtime;
  }

  @Override
  public MetricSnapshots collect() {
    Snapshots s = new Snapshots();
    s.declare("watershed_coordinator_writes", "Coordinator write operations committed.", true)
        .declare("watershed_coordinator_reads", "Coordinator read operations answered.", true)
        .declare(
            "watershed_coordinator_batches",
            "Batches the coordinator appended (a group commit is one batch, whatever the writes"
                + " in it).",
            true)
        .declare("watershed_coordinator_records_written", "Records appended.", true)
        .declare(
            "watershed_coordinator_records_replayed",
            "Records replayed from the log while loading or rebuilding a shard's state.",
            true)
        .declare(
            "watershed_coordinator_failed_writes",
            "Write operations that failed, the handlers' refusals included; a failed write"
                + " changes no state.",
            true)
        .declare("watershed_coordinator_failed_appends", "Batches the log refused.", true)
        .declare(
            "watershed_coordinator_rebuilds",
            "Shard states thrown away and replayed from the log after a failed append or replay.",
            true);
    CoordinatorRuntime r = runtime.get();
    if (r == null) {
      return new MetricSnapshots(s.build());
    }
    CoordinatorStats c = r.stats();
    Labels none = Labels.EMPTY;
    s.counter("watershed_coordinator_writes", null, c.writes(), none)
        .counter("watershed_coordinator_reads", null, c.reads(), none)
        .counter("watershed_coordinator_batches", null, c.batches(), none)
        .counter("watershed_coordinator_records_written", null, c.recordsWritten(), none)
        .counter("watershed_coordinator_records_replayed", null, c.recordsReplayed(), none)
        .counter("watershed_coordinator_failed_writes", null, c.failedWrites(), none)
        .counter("watershed_coordinator_failed_appends", null, c.failedAppends(), none)
        .counter("watershed_coordinator_rebuilds", null, c.rebuilds(), none);
    return new MetricSnapshots(s.build());
  }
}
