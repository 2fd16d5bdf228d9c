package io.watershed.fuzz;

/** Which requests of the corpus a door's inputs are made from. */
public enum Mix {
  /** Every recorded request, writes favoured (about half of the inputs). */
  ALL,
  /**
   * Only the door's append path (Kafka Produce, Kinesis PutRecord(s), event-store appends, the
   * admin API's produce and append), mutated where the records are.
   */
  WRITES
}
