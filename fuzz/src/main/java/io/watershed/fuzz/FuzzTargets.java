package io.watershed.fuzz;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * The topics, streams and server settings the corpus was recorded against, which every campaign
 * recreates before it fuzzes so that replayed requests find what they name.
 */
public final class FuzzTargets {
  /** Kafka topics the recorded producers and consumers use, with their partition counts. */
  public static final Map<String, Integer> KAFKA_PARTITIONS =
      Map.of("fuzz-orders", 3, "fuzz-codecs", 1, "fuzz-acks", 2);

  public static final List<String> KAFKA_TOPICS =
      List.of("fuzz-orders", "fuzz-codecs", "fuzz-acks");

  /** The Kinesis stream the recorded Kinesis clients put to and read from (2 shards). */
  public static final String KINESIS_STREAM = "fuzz-stream";

  /** Event-store streams the recorded KurrentDB client appends to. */
  public static final List<String> EVENT_STREAMS = List.of("fuzz-order-1", "fuzz-ticks");

  /** The topic and stream the recorded CLI and console requests use. */
  public static final String ADMIN_TOPIC = "fuzz-admin";

  public static final String ADMIN_STREAM = "fuzz-admin-stream";

  /** The file of the Kafka corpus that maps topic names to the ids they had when recorded. */
  public static final String TOPIC_IDS_FILE = "topic-ids.txt";

  private FuzzTargets() {}

  /** The ids of the Kafka topics the corpus uses, by name, on this server. */
  public static Map<String, String> topicIds(ServerProcess server) throws Exception {
    List<String> names = new java.util.ArrayList<>(KAFKA_TOPICS);
    names.add(ADMIN_TOPIC);
    Map<String, String> out = new java.util.TreeMap<>();
    try (Admin admin =
        Admin.create(
            Map.<String, Object>of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, server.kafkaBootstrap()))) {
      admin
          .describeTopics(names)
          .allTopicNames()
          .get(30, TimeUnit.SECONDS)
          .forEach((name, d) -> out.put(name, d.topicId().toString()));
    }
    return out;
  }

  /**
   * The server's settings for fuzzing: topics are not created by produce or metadata requests
   * (fuzzed topic names would otherwise pile up without bound), the event store never scavenges (so
   * acknowledged events stay readable at their positions), and group rebalances start at once.
   */
  public static List<String> serverArgs() {
    return List.of(
        "--set", "kafka.auto.create.topics.enable=false",
        "--set", "kafka.group.initial.rebalance.delay.ms=0",
        "--set", "eventstore.scavenge.interval.ms=0");
  }

  /** Creates the topics and the Kinesis stream, through the official clients. */
  public static void create(ServerProcess server) throws Exception {
    try (Admin admin =
        Admin.create(
            Map.<String, Object>of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, server.kafkaBootstrap()))) {
      List<NewTopic> topics =
          new java.util.ArrayList<>(
              KAFKA_TOPICS.stream()
                  .map(t -> new NewTopic(t, KAFKA_PARTITIONS.get(t), (short) 1))
                  .toList());
      topics.add(new NewTopic(ADMIN_TOPIC, 2, (short) 1));
      admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
    }
    try (KinesisClient k = kinesis(server)) {
      k.createStream(b -> b.streamName(KINESIS_STREAM).shardCount(2));
      awaitActive(k, KINESIS_STREAM);
    }
  }

  /** The AWS SDK's sync Kinesis client (CBOR, its default) for this server. */
  public static KinesisClient kinesis(ServerProcess server) {
    return KinesisClient.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + server.port(Door.KINESIS)))
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDFUZZ", "fuzz")))
        .httpClientBuilder(ApacheHttpClient.builder())
        .build();
  }

  public static void awaitActive(KinesisClient k, String stream) throws InterruptedException {
    for (int i = 0; i < 200; i++) {
      String status =
          k.describeStreamSummary(b -> b.streamName(stream))
              .streamDescriptionSummary()
              .streamStatusAsString();
      if (status.equals("ACTIVE")) {
        return;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("stream " + stream + " did not become ACTIVE");
  }
}
