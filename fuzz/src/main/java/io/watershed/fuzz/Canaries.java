package io.watershed.fuzz;

import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.ResolvedEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Known records written through every door with the official clients before each phase — a Kafka
 * topic, a Kinesis stream, an event-store stream — that must read back intact, all of them and in
 * order, after every restart. Their names are far from anything in the corpus, so no mutation of a
 * recorded request names them.
 */
public final class Canaries {
  static final String TOPIC = "zz-canary-topic-5b1e";
  static final String STREAM = "zz-canary-stream-5b1e";
  static final String EVENTS = "zz-canary-events-5b1e";

  private final List<String> written = new ArrayList<>();

  /** Creates the canary topic and stream (once, on a fresh data directory). */
  public void setUp(ServerProcess server) throws Exception {
    try (Admin admin = admin(server)) {
      admin
          .createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    try (KinesisClient k = FuzzTargets.kinesis(server)) {
      k.createStream(b -> b.streamName(STREAM).shardCount(1));
      FuzzTargets.awaitActive(k, STREAM);
    }
  }

  /** Writes one canary through each door and waits for each acknowledgement. */
  public void write(ServerProcess server, String label) throws Exception {
    String value = "canary " + label + " " + UUID.randomUUID();
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, server.kafkaBootstrap());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      producer.send(new ProducerRecord<>(TOPIC, bytes)).get(30, TimeUnit.SECONDS);
    }
    try (KinesisClient k = FuzzTargets.kinesis(server)) {
      k.putRecord(
          b -> b.streamName(STREAM).partitionKey("canary").data(SdkBytes.fromByteArray(bytes)));
    }
    KurrentDBClient es = eventStore(server);
    try {
      es.appendToStream(EVENTS, EventData.builderAsBinary("Canary", bytes).build())
          .get(30, TimeUnit.SECONDS);
    } finally {
      es.shutdown().get(30, TimeUnit.SECONDS);
    }
    written.add(value);
  }

  public int count() {
    return written.size();
  }

  /** Reads every canary back through each door; returns what is wrong (empty when intact). */
  public List<String> verify(ServerProcess server) throws Exception {
    List<String> problems = new ArrayList<>();
    compare("Kafka topic " + TOPIC, kafka(server), problems);
    compare("Kinesis stream " + STREAM, kinesis(server), problems);
    compare("event-store stream " + EVENTS, events(server), problems);
    return problems;
  }

  private void compare(String where, List<String> read, List<String> problems) {
    if (!read.equals(written)) {
      problems.add(
          "canary "
              + where
              + ": wrote "
              + written.size()
              + ", read "
              + read.size()
              + " "
              + (read.size() <= 5 ? read : read.subList(read.size() - 5, read.size())));
    }
  }

  private List<String> kafka(ServerProcess server) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, server.kafkaBootstrap());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<String> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      TopicPartition tp = new TopicPartition(TOPIC, 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long end = c.endOffsets(List.of(tp)).get(tp);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (c.position(tp) < end && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          out.add(new String(r.value(), StandardCharsets.UTF_8));
        }
      }
    }
    return out;
  }

  private List<String> kinesis(ServerProcess server) {
    List<String> out = new ArrayList<>();
    try (KinesisClient k = FuzzTargets.kinesis(server)) {
      String it =
          k.getShardIterator(
                  b ->
                      b.streamName(STREAM)
                          .shardId("shardId-000000000000")
                          .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
              .shardIterator();
      for (int calls = 0; calls < 1000 && it != null; calls++) {
        String current = it;
        GetRecordsResponse got = k.getRecords(b -> b.shardIterator(current));
        for (Record r : got.records()) {
          out.add(r.data().asUtf8String());
        }
        it = got.nextShardIterator();
        if (got.records().isEmpty() && got.millisBehindLatest() == 0) {
          break;
        }
      }
    }
    return out;
  }

  private List<String> events(ServerProcess server) throws Exception {
    List<String> out = new ArrayList<>();
    KurrentDBClient es = eventStore(server);
    try {
      for (ResolvedEvent e :
          es.readStream(EVENTS, ReadStreamOptions.get().fromStart().maxCount(100_000))
              .get(30, TimeUnit.SECONDS)
              .getEvents()) {
        out.add(new String(e.getOriginalEvent().getEventData(), StandardCharsets.UTF_8));
      }
    } finally {
      es.shutdown().get(30, TimeUnit.SECONDS);
    }
    return out;
  }

  private static Admin admin(ServerProcess server) {
    return Admin.create(
        Map.<String, Object>of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, server.kafkaBootstrap()));
  }

  static KurrentDBClient eventStore(ServerProcess server) {
    return KurrentDBClient.create(
        KurrentDBConnectionString.parseOrThrow(
            "kurrentdb://127.0.0.1:" + server.port(Door.EVENTSTORE) + "?tls=false"));
  }
}
