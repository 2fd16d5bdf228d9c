package io.watershed.it;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * A group member in its own JVM, so that a test can kill it with SIGKILL: for each poll it prints
 * {@code PROCESSED <value> <partition>@<offset>} per record, commits exactly those records, then
 * prints {@code COMMITTED} (or {@code COMMIT-FAILED} when the commit was refused).
 */
public final class GroupConsumerChild {
  private GroupConsumerChild() {}

  public static void main(String[] args) {
    String bootstrap = args[0];
    String topic = args[1];
    String group = args[2];
    String protocol = args[3];
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    try (KafkaConsumer<byte[], byte[]> consumer =
        KafkaClients.consumer(bootstrap, KafkaGroupsTest.groupConfig(group, protocol))) {
      consumer.subscribe(List.of(topic));
      out.println("STARTED");
      while (true) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
        if (records.isEmpty()) {
          continue;
        }
        for (ConsumerRecord<byte[], byte[]> r : records) {
          out.println(
              "PROCESSED "
                  + new String(r.value(), StandardCharsets.UTF_8)
                  + " "
                  + r.partition()
                  + "@"
                  + r.offset());
        }
        try {
          consumer.commitSync(KafkaGroupsTest.nextOffsets(records));
          out.println("COMMITTED");
        } catch (RuntimeException e) {
          out.println("COMMIT-FAILED " + e);
        }
      }
    }
  }
}
