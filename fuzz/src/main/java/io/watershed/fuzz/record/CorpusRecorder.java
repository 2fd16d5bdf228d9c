package io.watershed.fuzz.record;

import io.kurrent.dbclient.AppendToStreamOptions;
import io.kurrent.dbclient.CreatePersistentSubscriptionToStreamOptions;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;
import io.kurrent.dbclient.KurrentDBPersistentSubscriptionsClient;
import io.kurrent.dbclient.PersistentSubscription;
import io.kurrent.dbclient.PersistentSubscriptionListener;
import io.kurrent.dbclient.ReadAllOptions;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.StreamMetadata;
import io.kurrent.dbclient.StreamState;
import io.kurrent.dbclient.SubscribeToAllOptions;
import io.kurrent.dbclient.SubscribeToStreamOptions;
import io.kurrent.dbclient.Subscription;
import io.kurrent.dbclient.SubscriptionListener;
import io.watershed.fuzz.Door;
import io.watershed.fuzz.FuzzTargets;
import io.watershed.fuzz.ServerProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * Records the corpus: runs the official clients of every door — kafka-clients (producers with every
 * codec, idempotent or not, consumers in both group protocols, the admin client), the AWS SDK v2
 * Kinesis clients (sync in CBOR and in JSON, async over h2c), the KurrentDB client and the {@code
 * bin/watershed} CLI with the console's requests — through a {@link RecordingProxy} per door
 * against a real server, and writes what each client connection sent to {@code
 * <out>/<door>/<scenario>-<n>.bin}, with an {@code index.txt} per door.
 *
 * <p>Run it with {@code bin/fuzz record} (which writes into {@code
 * fuzz/src/main/resources/corpus}); the files are committed so that every run replays the same
 * seeds.
 */
public final class CorpusRecorder {
  private static final Duration SETTLE = Duration.ofMillis(300);

  private final Map<Door, RecordingProxy> proxies;
  private final ServerProcess server;
  private final Path serverJar;

  private CorpusRecorder(Map<Door, RecordingProxy> proxies, ServerProcess server, Path serverJar) {
    this.proxies = proxies;
    this.server = server;
    this.serverJar = serverJar;
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: CorpusRecorder <corpus directory>");
      System.exit(2);
    }
    Path out = Path.of(args[0]);
    Path work = Files.createTempDirectory("watershed-record");
    Map<Door, RecordingProxy> proxies = new java.util.EnumMap<>(Door.class);
    for (Door d : Door.values()) {
      proxies.put(d, new RecordingProxy());
    }
    List<String> serverArgs = new ArrayList<>(FuzzTargets.serverArgs());
    // Kafka clients reconnect to the advertised broker address: make it the proxy.
    serverArgs.addAll(List.of("--set", "kafka.advertised.port=" + proxies.get(Door.KAFKA).port()));
    try (ServerProcess server =
        new ServerProcess(work.resolve("data"), work.resolve("logs"), serverArgs)) {
      server.start();
      for (Door d : Door.values()) {
        proxies.get(d).target(server.port(d));
      }
      proxies.values().forEach(p -> p.label("setup"));
      FuzzTargets.create(server);
      Files.createDirectories(out.resolve(Door.KAFKA.id()));
      topicIds = FuzzTargets.topicIds(server);
      String jar = System.getProperty("watershed.server.jar");
      CorpusRecorder r =
          new CorpusRecorder(proxies, server, jar == null ? null : Path.of(jar).toAbsolutePath());
      r.kafka();
      r.kinesis();
      r.eventStore();
      r.admin();
      Thread.sleep(SETTLE.toMillis());
      server.stop();
    }
    for (Door d : Door.values()) {
      proxies.get(d).close();
      write(out.resolve(d.id()), proxies.get(d).recordings());
    }
    // Kafka requests name topics by id (Produce v13, Fetch v13 …): the fuzzer maps these ids to
    // those of the topics of the same names on the server it fuzzes.
    List<String> ids = new ArrayList<>();
    topicIds.forEach((name, id) -> ids.add(name + " " + id));
    java.util.Collections.sort(ids);
    Files.write(out.resolve(Door.KAFKA.id()).resolve(FuzzTargets.TOPIC_IDS_FILE), ids);
  }

  private static Map<String, String> topicIds = Map.of();

  private static void write(Path dir, List<RecordingProxy.Recording> recordings)
      throws IOException {
    Files.createDirectories(dir);
    try (var old = Files.list(dir)) {
      for (Path p : old.toList()) {
        if (p.getFileName().toString().endsWith(".bin")) {
          Files.delete(p);
        }
      }
    }
    List<String> index = new ArrayList<>();
    Map<String, Integer> perLabel = new java.util.HashMap<>();
    for (RecordingProxy.Recording rec : recordings) {
      int n = perLabel.merge(rec.label(), 1, Integer::sum);
      String name = String.format("%s-%02d.bin", rec.label(), n);
      Files.write(dir.resolve(name), rec.clientBytes());
      index.add(name);
    }
    Files.write(dir.resolve("index.txt"), index, StandardCharsets.UTF_8);
    System.out.println(dir + ": " + index.size() + " connections");
  }

  private String kafkaBootstrap() {
    return "127.0.0.1:" + proxies.get(Door.KAFKA).port();
  }

  private void label(Door door, String label) throws InterruptedException {
    Thread.sleep(SETTLE.toMillis());
    proxies.get(door).label(label);
  }

  // ---- Kafka ----------------------------------------------------------------------------------

  private KafkaProducer<byte[], byte[]> producer(Map<String, Object> extra) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.putAll(extra);
    return new KafkaProducer<>(p);
  }

  private KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> extra) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.putAll(extra);
    return new KafkaConsumer<>(p);
  }

  private void kafka() throws Exception {
    String[][] producers = {
      {"produce-plain", "none", "false", "all"},
      {"produce-acks1", "none", "false", "1"},
      {"produce-acks0", "none", "false", "0"},
      {"produce-gzip", "gzip", "true", "all"},
      {"produce-snappy", "snappy", "true", "all"},
      {"produce-lz4", "lz4", "true", "all"},
      {"produce-zstd", "zstd", "true", "all"},
      {"produce-idempotent", "none", "true", "all"},
    };
    for (String[] p : producers) {
      label(Door.KAFKA, p[0]);
      try (KafkaProducer<byte[], byte[]> producer =
          producer(
              Map.of(
                  ProducerConfig.COMPRESSION_TYPE_CONFIG, p[1],
                  ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, p[2],
                  ProducerConfig.ACKS_CONFIG, p[3]))) {
        for (int i = 0; i < 12; i++) {
          String topic = FuzzTargets.KAFKA_TOPICS.get(i % FuzzTargets.KAFKA_TOPICS.size());
          ProducerRecord<byte[], byte[]> rec =
              new ProducerRecord<>(
                  topic,
                  i % 3 == 0 ? null : ("key-" + i).getBytes(StandardCharsets.UTF_8),
                  ("{\"order\":"
                          + i
                          + ",\"codec\":\""
                          + p[1]
                          + "\",\"note\":\""
                          + "x".repeat(i * 7))
                      .getBytes(StandardCharsets.UTF_8));
          if (i % 4 == 1) {
            rec.headers().add("trace", ("t-" + i).getBytes(StandardCharsets.UTF_8));
          }
          producer.send(rec);
          if (i % 4 == 3) {
            producer.flush();
          }
        }
        producer.flush();
      }
    }
    for (String protocol : List.of("classic", "consumer")) {
      label(Door.KAFKA, "consume-group-" + protocol);
      try (KafkaConsumer<byte[], byte[]> c =
          consumer(
              Map.of(
                  ConsumerConfig.GROUP_ID_CONFIG,
                  "fuzz-group-" + protocol,
                  ConsumerConfig.GROUP_PROTOCOL_CONFIG,
                  protocol,
                  ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                  "false"))) {
        c.subscribe(FuzzTargets.KAFKA_TOPICS);
        int got = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (got < 20 && System.nanoTime() < deadline) {
          got += c.poll(Duration.ofMillis(200)).count();
        }
        c.commitSync();
      }
    }
    label(Door.KAFKA, "consume-assign");
    try (KafkaConsumer<byte[], byte[]> c = consumer(Map.of())) {
      List<TopicPartition> tps = new ArrayList<>();
      for (String t : FuzzTargets.KAFKA_TOPICS) {
        c.partitionsFor(t).forEach(pi -> tps.add(new TopicPartition(t, pi.partition())));
      }
      c.assign(tps);
      c.seekToBeginning(tps);
      c.poll(Duration.ofMillis(500));
      Map<TopicPartition, Long> times = new java.util.HashMap<>();
      tps.forEach(tp -> times.put(tp, System.currentTimeMillis() - 60_000));
      c.offsetsForTimes(times);
      c.endOffsets(tps);
    }
    label(Door.KAFKA, "admin");
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap()))) {
      admin.describeCluster().nodes().get();
      admin.listTopics().names().get();
      admin.describeTopics(FuzzTargets.KAFKA_TOPICS).allTopicNames().get();
      admin
          .createTopics(
              List.of(
                  new NewTopic("fuzz-scratch-1", 2, (short) 1)
                      .configs(Map.of("retention.ms", "3600000")),
                  new NewTopic("fuzz-scratch-2", 1, (short) 1)))
          .all()
          .get();
      ConfigResource scratch = new ConfigResource(ConfigResource.Type.TOPIC, "fuzz-scratch-1");
      admin.describeConfigs(List.of(scratch)).all().get();
      admin
          .incrementalAlterConfigs(
              Map.of(
                  scratch,
                  List.of(
                      new AlterConfigOp(
                          new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.SET))))
          .all()
          .get();
      admin.createPartitions(Map.of("fuzz-scratch-1", NewPartitions.increaseTo(3))).all().get();
      TopicPartition tp = new TopicPartition("fuzz-orders", 0);
      admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get();
      admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).all().get();
      admin.listGroups().all().get();
      admin
          .describeConsumerGroups(List.of("fuzz-group-classic", "fuzz-group-consumer"))
          .all()
          .get();
      admin.listConsumerGroupOffsets("fuzz-group-classic").partitionsToOffsetAndMetadata().get();
      admin
          .deleteRecords(
              Map.of(new TopicPartition("fuzz-scratch-2", 0), RecordsToDelete.beforeOffset(0)))
          .all()
          .get();
      admin.deleteTopics(List.of("fuzz-scratch-1", "fuzz-scratch-2")).all().get();
      admin.describeLogDirs(List.of(0)).allDescriptions().get();
    }
  }

  // ---- Kinesis --------------------------------------------------------------------------------

  private URI kinesisEndpoint() {
    return URI.create("http://127.0.0.1:" + proxies.get(Door.KINESIS).port());
  }

  private static StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(
        AwsBasicCredentials.create("AKIDFUZZ", "fuzz-secret-key"));
  }

  private KinesisClient kinesisSync(boolean cbor) {
    String key = SdkSystemSetting.CBOR_ENABLED.property();
    System.setProperty(key, Boolean.toString(cbor));
    try {
      return KinesisClient.builder()
          .endpointOverride(kinesisEndpoint())
          .region(Region.US_EAST_1)
          .credentialsProvider(credentials())
          .httpClientBuilder(ApacheHttpClient.builder())
          .build();
    } finally {
      System.clearProperty(key);
    }
  }

  private void kinesis() throws Exception {
    for (boolean cbor : List.of(true, false)) {
      String enc = cbor ? "cbor" : "json";
      label(Door.KINESIS, "sync-" + enc);
      try (KinesisClient k = kinesisSync(cbor)) {
        String scratch = "fuzz-kscratch-" + enc;
        k.createStream(b -> b.streamName(scratch).shardCount(1));
        k.listStreams(b -> b.limit(10));
        k.describeStreamSummary(b -> b.streamName(FuzzTargets.KINESIS_STREAM));
        k.describeStream(b -> b.streamName(FuzzTargets.KINESIS_STREAM));
        k.listShards(b -> b.streamName(FuzzTargets.KINESIS_STREAM));
        String last = null;
        for (int i = 0; i < 4; i++) {
          int n = i;
          last =
              k.putRecord(
                      b ->
                          b.streamName(FuzzTargets.KINESIS_STREAM)
                              .partitionKey("pk-" + enc + "-" + n)
                              .data(SdkBytes.fromUtf8String("{\"reading\":" + n + "}")))
                  .sequenceNumber();
        }
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
          entries.add(
              PutRecordsRequestEntry.builder()
                  .partitionKey("batch-" + i)
                  .data(SdkBytes.fromUtf8String("record " + i + " " + "y".repeat(i * 5)))
                  .build());
        }
        String stream = FuzzTargets.KINESIS_STREAM;
        k.putRecords(b -> b.streamName(stream).records(entries));
        String seq = last;
        for (ShardIteratorType type :
            List.of(
                ShardIteratorType.TRIM_HORIZON,
                ShardIteratorType.LATEST,
                ShardIteratorType.AT_SEQUENCE_NUMBER,
                ShardIteratorType.AFTER_SEQUENCE_NUMBER,
                ShardIteratorType.AT_TIMESTAMP)) {
          String shard = type == ShardIteratorType.TRIM_HORIZON ? "shardId-000000000001" : null;
          String it =
              k.getShardIterator(
                      b -> {
                        b.streamName(stream)
                            .shardId(shard != null ? shard : shardOf(k, stream, seq))
                            .shardIteratorType(type);
                        if (type == ShardIteratorType.AT_SEQUENCE_NUMBER
                            || type == ShardIteratorType.AFTER_SEQUENCE_NUMBER) {
                          b.startingSequenceNumber(seq);
                        }
                        if (type == ShardIteratorType.AT_TIMESTAMP) {
                          b.timestamp(Instant.now().minusSeconds(600));
                        }
                      })
                  .shardIterator();
          k.getRecords(b -> b.shardIterator(it).limit(25));
        }
        k.addTagsToStream(b -> b.streamName(stream).tags(Map.of("team", "fuzz-" + enc)));
        k.listTagsForStream(b -> b.streamName(stream));
        k.increaseStreamRetentionPeriod(b -> b.streamName(scratch).retentionPeriodHours(48));
        k.describeLimits();
        k.splitShard(
            b ->
                b.streamName(scratch)
                    .shardToSplit("shardId-000000000000")
                    .newStartingHashKey("170141183460469231731687303715884105728"));
        k.deleteStream(b -> b.streamName(scratch));
      }
    }
    label(Door.KINESIS, "async-h2c");
    try (KinesisAsyncClient a =
        KinesisAsyncClient.builder()
            .endpointOverride(kinesisEndpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(credentials())
            .httpClientBuilder(NettyNioAsyncHttpClient.builder())
            .build()) {
      String stream = FuzzTargets.KINESIS_STREAM;
      a.describeStreamSummary(b -> b.streamName(stream)).get();
      a.listShards(b -> b.streamName(stream)).get();
      for (int i = 0; i < 3; i++) {
        int n = i;
        a.putRecord(
                b ->
                    b.streamName(stream)
                        .partitionKey("async-" + n)
                        .data(SdkBytes.fromUtf8String("async record " + n)))
            .get();
      }
      a.putRecords(
              b ->
                  b.streamName(stream)
                      .records(
                          PutRecordsRequestEntry.builder()
                              .partitionKey("async-batch")
                              .explicitHashKey("1")
                              .data(SdkBytes.fromUtf8String("async batch"))
                              .build()))
          .get();
      String it =
          a.getShardIterator(
                  b ->
                      b.streamName(stream)
                          .shardId("shardId-000000000000")
                          .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
              .get()
              .shardIterator();
      a.getRecords(b -> b.shardIterator(it)).get();
      String streamArn =
          a.describeStreamSummary(b -> b.streamName(stream))
              .get()
              .streamDescriptionSummary()
              .streamARN();
      String consumerArn =
          a.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("fuzz-efo"))
              .get()
              .consumer()
              .consumerARN();
      waitActive(a, consumerArn);
      CountDownLatch oneEvent = new CountDownLatch(1);
      var sub =
          a.subscribeToShard(
              b ->
                  b.consumerARN(consumerArn)
                      .shardId("shardId-000000000000")
                      .startingPosition(p -> p.type(ShardIteratorType.TRIM_HORIZON)),
              SubscribeToShardResponseHandler.builder()
                  .subscriber(
                      SubscribeToShardResponseHandler.Visitor.builder()
                          .onSubscribeToShardEvent(e -> oneEvent.countDown())
                          .build())
                  .build());
      oneEvent.await(10, TimeUnit.SECONDS);
      sub.cancel(true);
      a.deregisterStreamConsumer(b -> b.consumerARN(consumerArn)).get();
    }
  }

  private static void waitActive(KinesisAsyncClient a, String consumerArn) throws Exception {
    for (int i = 0; i < 100; i++) {
      String status =
          a.describeStreamConsumer(b -> b.consumerARN(consumerArn))
              .get()
              .consumerDescription()
              .consumerStatusAsString();
      if (status.equals("ACTIVE")) {
        return;
      }
      Thread.sleep(100);
    }
  }

  private static String shardOf(KinesisClient k, String stream, String sequence) {
    // Digits 2..11 of a Watershed sequence number (56 digits, starting "49") are the shard's
    // partition index; digits 1..10 in the 30-digit numbers of earlier servers.
    int partition =
        Integer.parseInt(
            sequence.length() == 56 ? sequence.substring(2, 12) : sequence.substring(1, 11));
    return String.format("shardId-%012d", partition);
  }

  // ---- Event store ----------------------------------------------------------------------------

  private String eventStoreConnection() {
    return "kurrentdb://127.0.0.1:" + proxies.get(Door.EVENTSTORE).port() + "?tls=false";
  }

  private static EventData event(String type, String json) {
    return EventData.builderAsJson(UUID.randomUUID(), type, json.getBytes(StandardCharsets.UTF_8))
        .metadataAsBytes("{\"source\":\"fuzz\"}".getBytes(StandardCharsets.UTF_8))
        .build();
  }

  private void eventStore() throws Exception {
    label(Door.EVENTSTORE, "append");
    KurrentDBClient client =
        KurrentDBClient.create(KurrentDBConnectionString.parseOrThrow(eventStoreConnection()));
    try {
      String s1 = FuzzTargets.EVENT_STREAMS.get(0);
      String s2 = FuzzTargets.EVENT_STREAMS.get(1);
      client
          .appendToStream(
              s1,
              AppendToStreamOptions.get().streamState(StreamState.noStream()),
              event("OrderPlaced", "{\"order\":1}"),
              event("ItemAdded", "{\"sku\":\"a-1\",\"qty\":2}"))
          .get();
      client
          .appendToStream(
              s1,
              AppendToStreamOptions.get().streamState(StreamState.streamRevision(1)),
              event("ItemAdded", "{\"sku\":\"b-7\",\"qty\":1}"))
          .get();
      client
          .appendToStream(
              s1,
              AppendToStreamOptions.get().streamState(StreamState.streamExists()),
              event("OrderPaid", "{\"amount\":12.5}"))
          .get();
      for (int i = 0; i < 5; i++) {
        client
            .appendToStream(
                s2,
                AppendToStreamOptions.get().streamState(StreamState.any()),
                event("Tick", "{\"i\":" + i + "}"))
            .get();
      }
      client
          .appendToStream(
              "fuzz-es-binary",
              EventData.builderAsBinary(UUID.randomUUID(), "Blob", new byte[] {0, 1, 2, 3, -1})
                  .build())
          .get();
      label(Door.EVENTSTORE, "read");
      client.readStream(s1, ReadStreamOptions.get().fromStart()).get();
      client.readStream(s1, ReadStreamOptions.get().backwards().fromEnd().maxCount(2)).get();
      client.readAll(ReadAllOptions.get().fromStart().maxCount(50)).get();
      client.readAll(ReadAllOptions.get().backwards().fromEnd().maxCount(5)).get();
      label(Door.EVENTSTORE, "subscribe");
      CountDownLatch got = new CountDownLatch(2);
      SubscriptionListener listener =
          new SubscriptionListener() {
            @Override
            public void onEvent(Subscription subscription, ResolvedEvent event) {
              got.countDown();
            }
          };
      Subscription toStream =
          client.subscribeToStream(s2, listener, SubscribeToStreamOptions.get().fromStart()).get();
      Subscription toAll =
          client.subscribeToAll(listener, SubscribeToAllOptions.get().fromStart()).get();
      got.await(10, TimeUnit.SECONDS);
      toStream.stop();
      toAll.stop();
      label(Door.EVENTSTORE, "metadata-delete");
      String scratch = "fuzz-es-scratch";
      client.appendToStream(scratch, event("Temp", "{}")).get();
      StreamMetadata md = new StreamMetadata();
      md.setMaxCount(10L);
      client.setStreamMetadata(scratch, md).get();
      client.getStreamMetadata(scratch).get();
      client.deleteStream(scratch).get();
      client.appendToStream("fuzz-es-doomed", event("Temp", "{}")).get();
      client.tombstoneStream("fuzz-es-doomed").get();
    } finally {
      client.shutdown().get();
    }
    label(Door.EVENTSTORE, "persistent");
    KurrentDBPersistentSubscriptionsClient persistent =
        KurrentDBPersistentSubscriptionsClient.create(
            KurrentDBConnectionString.parseOrThrow(eventStoreConnection()));
    try {
      String s2 = FuzzTargets.EVENT_STREAMS.get(1);
      persistent
          .createToStream(
              s2, "fuzz-workers", CreatePersistentSubscriptionToStreamOptions.get().fromStart())
          .get();
      CountDownLatch acked = new CountDownLatch(3);
      PersistentSubscription sub =
          persistent
              .subscribeToStream(
                  s2,
                  "fuzz-workers",
                  new PersistentSubscriptionListener() {
                    @Override
                    public void onEvent(PersistentSubscription s, int retryCount, ResolvedEvent e) {
                      s.ack(e);
                      acked.countDown();
                    }
                  })
              .get();
      acked.await(10, TimeUnit.SECONDS);
      sub.stop();
      persistent.getInfoToStream(s2, "fuzz-workers").get();
      persistent.listAll().get();
    } finally {
      persistent.shutdown().get();
    }
  }

  // ---- Admin HTTP -----------------------------------------------------------------------------

  private String adminBase() {
    return "http://127.0.0.1:" + proxies.get(Door.ADMIN).port();
  }

  private void admin() throws Exception {
    String t = FuzzTargets.ADMIN_TOPIC;
    String scratch = "fuzz-admin-scratch";
    label(Door.ADMIN, "cli");
    cli(null, "topics", "list");
    cli(null, "topics", "create", scratch, "-p", "2", "-c", "retention.ms=86400000");
    cli(null, "topics", "describe", t);
    cli(null, "topics", "alter", scratch, "--set", "cleanup.policy=compact", "--partitions", "3");
    cli("k1:hello\nk2:{\"n\":2}\n:no key\n", "produce", t, "-K", ":", "-H", "origin=cli");
    cli(null, "consume", t, "--from-beginning", "--max", "10", "-o", "json");
    cli(null, "consume", t, "-g", "fuzz-admin-group", "--max", "5");
    cli(null, "groups", "list");
    cli(null, "groups", "describe", "fuzz-admin-group");
    cli(
        null,
        "groups",
        "reset-offsets",
        "fuzz-admin-group",
        "--topic",
        t,
        "--to-earliest",
        "--execute");
    cli("{\"sku\":\"a\"}", "streams", "append", FuzzTargets.ADMIN_STREAM, "-t", "ItemAdded");
    cli(null, "streams", "list");
    cli(null, "streams", "read", FuzzTargets.ADMIN_STREAM);
    cli(null, "streams", "read", "$all", "--backwards", "--max", "5");
    cli(null, "kinesis", "streams", "list");
    cli(null, "kinesis", "streams", "describe", FuzzTargets.KINESIS_STREAM);
    cli(null, "config", "show");
    cli(null, "topics", "delete", scratch);
    label(Door.ADMIN, "console");
    try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      for (String path :
          List.of(
              "/",
              "/api/v1/cluster",
              "/api/v1/stats",
              "/api/v1/topics",
              "/api/v1/topics/" + t,
              "/api/v1/topics/" + t + "/partitions/0/records?offset=0&limit=50&format=auto",
              "/api/v1/topics/" + t + "/partitions/1/records?tail=20&format=hex",
              "/api/v1/topics/" + t + "/records?from=earliest&limit=5&waitMs=100",
              "/api/v1/groups",
              "/api/v1/eventstore/streams",
              "/api/v1/eventstore/streams/%24all?direction=backwards&limit=20",
              "/api/v1/eventstore/subscriptions",
              "/api/v1/kinesis/streams",
              "/api/v1/kinesis/streams/" + FuzzTargets.KINESIS_STREAM + "/shards",
              "/api/v1/openapi.json",
              "/health",
              "/ready",
              "/metrics")) {
        http.send(
            HttpRequest.newBuilder(URI.create(adminBase() + path))
                .header("Accept", "application/json")
                .build(),
            HttpResponse.BodyHandlers.discarding());
      }
      http.send(
          HttpRequest.newBuilder(URI.create(adminBase() + "/api/v1/topics/" + t + "/records"))
              .header("Content-Type", "application/json")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "{\"encoding\":\"base64\",\"records\":[{\"key\":\"a2V5\",\"value\":"
                          + "\"dmFsdWU=\",\"headers\":{\"h\":\"aA==\"}},{\"partition\":1,"
                          + "\"value\":\"b25l\"}]}"))
              .build(),
          HttpResponse.BodyHandlers.discarding());
      http.send(
          HttpRequest.newBuilder(URI.create(adminBase() + "/api/v1/topics"))
              .header("Content-Type", "application/json")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "{\"name\":\"fuzz-admin-made\",\"partitions\":2,\"configs\":"
                          + "{\"retention.ms\":\"3600000\"}}"))
              .build(),
          HttpResponse.BodyHandlers.discarding());
      http.send(
          HttpRequest.newBuilder(URI.create(adminBase() + "/api/v1/topics/fuzz-admin-made/configs"))
              .header("Content-Type", "application/json")
              .method(
                  "PATCH",
                  HttpRequest.BodyPublishers.ofString(
                      "{\"set\":{\"retention.ms\":\"7200000\"},\"remove\":[]}"))
              .build(),
          HttpResponse.BodyHandlers.discarding());
      http.send(
          HttpRequest.newBuilder(URI.create(adminBase() + "/api/v1/topics/fuzz-admin-made"))
              .DELETE()
              .build(),
          HttpResponse.BodyHandlers.discarding());
    }
  }

  /** Runs one {@code bin/watershed} command (the server jar's CLI) against the proxy. */
  private void cli(String stdin, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (serverJar != null) {
      cmd.addAll(List.of("-jar", serverJar.toString()));
    } else {
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.watershed.server.Main"));
    }
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("--server", adminBase()));
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    try (var in = p.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("CLI " + String.join(" ", args) + " did not finish");
    }
    if (p.exitValue() != 0) {
      System.err.println("CLI " + String.join(" ", args) + " exited with " + p.exitValue());
    }
  }
}
