package io.watershed.fuzz.oracle;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Which parts of a stored record a door's acknowledgement promises, so that what was sent and what
 * is read back are digested alike.
 */
public enum DigestKind {
  /** Kafka: key, value and every header, as the producer sent them. */
  KAFKA,
  /** Kinesis: the partition key (UTF-8) as key, the data as value. */
  KEY_VALUE,
  /** The admin API's produce: the value (keys are partitioning input there). */
  VALUE,
  /** Event store: stream name as key, data as value, and the event id header. */
  EVENT;

  public long of(ConsumerRecord<byte[], byte[]> r) {
    RecordDigest d = new RecordDigest();
    switch (this) {
      case KAFKA -> {
        d.bytes(r.key()).bytes(r.value());
        for (Header h : r.headers()) {
          d.text(h.key()).bytes(h.value());
        }
      }
      case KEY_VALUE -> d.bytes(r.key()).bytes(r.value());
      case VALUE -> d.bytes(r.value());
      case EVENT -> {
        Header id = r.headers().lastHeader("es.id");
        d.bytes(r.key()).bytes(r.value()).bytes(id == null ? null : id.value());
      }
      default -> throw new IllegalStateException();
    }
    return d.value();
  }

  public static long keyValue(String key, byte[] value) {
    return new RecordDigest()
        .bytes(key == null ? null : key.getBytes(StandardCharsets.UTF_8))
        .bytes(value)
        .value();
  }
}
