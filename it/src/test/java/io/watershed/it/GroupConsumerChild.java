package io.watershed.it;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * A group member in its own JVM, so that a test can kill it with SIGKILL: for each poll it prints
 * {@code PROCESSED <value> <partition>@<offset>} per record, commits exactly those records, then
 * prints {@code COMMITTED} (or {@code COMMIT-FAILED} when the commit was refused). Every line also
 * goes, before the commit, to the journal file named by the fifth argument: the parent reads the
 * lines live from stdout, but when the child is killed the last of them can be lost on that pipe
 * (seen: lines of records whose commit reached the broker), so it settles the count from the
 * journal, which the page cache keeps whatever happens to this process.
 */
public final class GroupConsumerChild {
  private GroupConsumerChild() {}

  public static void main(String[] args) throws IOException {
    String bootstrap = args[0];
    String topic = args[1];
    String group = args[2];
    String protocol = args[3];
    PrintStream out =
        new PrintStream(
            new TeeOutputStream(System.out, Files.newOutputStream(Path.of(args[4]))),
            true,
            StandardCharsets.UTF_8);
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

  /** Writes to both streams; a flush flushes both. */
  private static final class TeeOutputStream extends OutputStream {
    private final OutputStream first;
    private final OutputStream second;

    TeeOutputStream(OutputStream first, OutputStream second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public void write(int b) throws IOException {
      second.write(b);
      first.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      second.write(b, off, len);
      first.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      second.flush();
      first.flush();
    }
  }
}
