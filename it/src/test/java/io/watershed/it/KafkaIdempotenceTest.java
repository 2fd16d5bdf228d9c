package io.watershed.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An idempotent producer whose responses are held back long enough for it to time out and retry:
 * the log still holds every record exactly once, in order.
 */
class KafkaIdempotenceTest {
  @TempDir Path dir;

  /**
   * A TCP proxy in front of the Kafka port that can hold back everything the server sends, so that
   * the client's requests reach the broker but their responses do not arrive in time.
   */
  static final class DelayingProxy implements AutoCloseable {
    final ServerSocket listener;
    final AtomicBoolean holdResponses = new AtomicBoolean();
    final List<Socket> sockets = new ArrayList<>();
    volatile int target;

    DelayingProxy() throws IOException {
      listener = new ServerSocket();
      listener.bind(new InetSocketAddress("127.0.0.1", 0));
      Thread accept =
          new Thread(
              () -> {
                try {
                  while (true) {
                    Socket client = listener.accept();
                    Socket server = new Socket("127.0.0.1", target);
                    synchronized (sockets) {
                      sockets.add(client);
                      sockets.add(server);
                    }
                    pump(client.getInputStream(), server.getOutputStream(), null);
                    pump(server.getInputStream(), client.getOutputStream(), holdResponses);
                  }
                } catch (IOException closed) {
                  // listener closed
                }
              });
      accept.setDaemon(true);
      accept.start();
    }

    static void pump(InputStream in, OutputStream out, AtomicBoolean hold) {
      Thread t =
          new Thread(
              () -> {
                byte[] buf = new byte[64 * 1024];
                try {
                  int n;
                  while ((n = in.read(buf)) >= 0) {
                    while (hold != null && hold.get()) {
                      Thread.sleep(5);
                    }
                    out.write(buf, 0, n);
                    out.flush();
                  }
                } catch (IOException | InterruptedException e) {
                  // connection closed
                }
              });
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return listener.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      listener.close();
      synchronized (sockets) {
        for (Socket s : sockets) {
          s.close();
        }
      }
    }
  }

  @Test
  void retriedBatchesAreStoredOnce() throws Exception {
    try (DelayingProxy proxy = new DelayingProxy();
        WatershedProcess server =
            new WatershedProcess(
                    dir.resolve("data"), "--set", "kafka.advertised.port=" + proxy.port())
                .start()) {
      proxy.target = Integer.parseInt(server.kafkaBootstrap().split(":")[1]);
      // The broker advertises the proxy's port, so every request goes through the proxy.
      String bootstrap = "127.0.0.1:" + proxy.port();
      List<Future<RecordMetadata>> acks = new ArrayList<>();
      try (KafkaProducer<byte[], byte[]> producer =
          KafkaClients.producer(
              bootstrap,
              Map.of(
                  ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                  ProducerConfig.ACKS_CONFIG, "all",
                  ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 1500,
                  ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000,
                  ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 50,
                  ProducerConfig.LINGER_MS_CONFIG, 2))) {
        producer.partitionsFor("retried");
        for (int i = 0; i < 2000; i++) {
          if (i == 500 || i == 1500) {
            proxy.holdResponses.set(true); // the next requests' responses arrive too late
          }
          if (i == 800 || i == 1800) {
            Thread.sleep(2500);
            proxy.holdResponses.set(false);
          }
          acks.add(
              producer.send(
                  new ProducerRecord<>(
                      "retried", 0, null, ("r" + i).getBytes(StandardCharsets.UTF_8))));
        }
        producer.flush();
      }
      for (Future<RecordMetadata> f : acks) {
        f.get();
      }
      try (KafkaConsumer<byte[], byte[]> consumer =
          KafkaClients.consumer(server.kafkaBootstrap(), Map.of())) {
        TopicPartition tp = new TopicPartition("retried", 0);
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        List<ConsumerRecord<byte[], byte[]>> got =
            KafkaClients.pollUntil(consumer, l -> l.size() >= 2000, Duration.ofSeconds(30));
        // Give duplicates, if any, the chance to show up.
        got.addAll(KafkaClients.pollUntil(consumer, l -> false, Duration.ofSeconds(1)));
        Set<String> values = new HashSet<>();
        for (int i = 0; i < got.size(); i++) {
          assertThat(new String(got.get(i).value(), StandardCharsets.UTF_8)).isEqualTo("r" + i);
          values.add(new String(got.get(i).value(), StandardCharsets.UTF_8));
        }
        assertThat(got).hasSize(2000);
        assertThat(values).hasSize(2000);
      }
      assertThat(server.log()).doesNotContain("ERROR");
    }
  }
}
