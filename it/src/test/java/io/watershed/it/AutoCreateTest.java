package io.watershed.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Producing through the admin API and {@code watershed produce} to a topic that does not exist
 * follows the Kafka door's policy: created on first use with {@code kafka.num.partitions}
 * partitions while {@code kafka.auto.create.topics.enable} is true, refused (404, exit code 4) when
 * it is false or when the request or command asks not to create.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AutoCreateTest {
  @TempDir static Path dir;
  WatershedProcess server;
  AdminHttp api;

  @BeforeAll
  void start() throws Exception {
    server = new WatershedProcess(dir.resolve("data"), "--set", "kafka.num.partitions=3").start();
    api = new AdminHttp(server.httpPort());
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private CliProcess.Result cli(WatershedProcess on, String stdin, String... args)
      throws Exception {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--server";
    all[args.length + 1] = "http://127.0.0.1:" + on.httpPort();
    return CliProcess.run(stdin, all);
  }

  private int partitions(String topic) throws Exception {
    AdminHttp.Answer a = api.get("/api/v1/topics/" + topic);
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    return a.json().path("partitions").size();
  }

  @Test
  void produceCreatesAMissingTopicAsKafkaClientsDo() throws Exception {
    CliProcess.Result produced = cli(server, "a\nb\nc\n", "produce", "cli-new");
    assertThat(produced.exit()).as(produced.err()).isZero();
    assertThat(produced.err())
        .isEqualTo(
            "created topic cli-new with 3 partition(s): it did not exist\n"
                + "produced 3 record(s) to cli-new\n");
    assertThat(partitions("cli-new")).isEqualTo(3);
    assertThat(cli(server, null, "consume", "cli-new").out().lines().sorted().toList())
        .containsExactly("a", "b", "c");

    // A second run finds it: nothing is said about creating it.
    CliProcess.Result again = cli(server, "d\n", "produce", "cli-new");
    assertThat(again.err()).isEqualTo("produced 1 record(s) to cli-new\n");

    // The load generator too, with as many partitions as a Kafka producer's topic gets.
    CliProcess.Result load =
        cli(server, null, "produce", "cli-load", "--count", "2000", "--no-progress");
    assertThat(load.exit()).as(load.err()).isZero();
    assertThat(load.err()).contains("created topic cli-load with 3 partition(s)");
    try (KafkaProducer<byte[], byte[]> producer =
            KafkaClients.producer(server.kafkaBootstrap(), Map.of());
        Admin admin = KafkaClients.admin(server.kafkaBootstrap())) {
      producer.send(new ProducerRecord<>("kafka-new", "v".getBytes())).get();
      assertThat(
              admin
                  .describeTopics(List.of("kafka-new"))
                  .allTopicNames()
                  .get()
                  .get("kafka-new")
                  .partitions())
          .hasSize(partitions("cli-load"));
    }
  }

  @Test
  void noCreateRefusesAMissingTopicWithExitCode4() throws Exception {
    CliProcess.Result refused = cli(server, "a\n", "produce", "cli-absent", "--no-create");
    assertThat(refused.exit()).isEqualTo(4);
    assertThat(refused.err())
        .isEqualTo("watershed: no topic 'cli-absent' (not created: --no-create)\n");
    CliProcess.Result load =
        cli(server, null, "produce", "cli-absent", "--no-create", "--count", "10", "--no-progress");
    assertThat(load.exit()).isEqualTo(4);
    assertThat(load.err()).contains("no topic 'cli-absent' (not created: --no-create)");
    assertThat(api.get("/api/v1/topics/cli-absent").status()).isEqualTo(404);

    assertThat(cli(server, null, "topics", "create", "cli-there").exit()).isZero();
    assertThat(cli(server, "x\n", "produce", "cli-there", "--no-create").exit()).isZero();
  }

  @Test
  void adminApiCreatesOnFirstProduceUnlessToldNot() throws Exception {
    AdminHttp.Answer created =
        api.post(
            "/api/v1/topics/api-new/records",
            Map.of("records", List.of(Map.of("key", "k", "value", "v"))));
    assertThat(created.status()).as(created.body()).isEqualTo(200);
    assertThat(created.json().path("created").asBoolean()).isTrue();
    assertThat(created.json().path("partitions").asInt()).isEqualTo(3);
    AdminHttp.Answer existing =
        api.post(
            "/api/v1/topics/api-new/records", Map.of("records", List.of(Map.of("value", "w"))));
    assertThat(existing.json().path("created").asBoolean()).isFalse();

    AdminHttp.Answer refused =
        api.post(
            "/api/v1/topics/api-absent/records?create=false",
            Map.of("records", List.of(Map.of("value", "v"))));
    assertThat(refused.status()).isEqualTo(404);
    assertThat(refused.json().path("message").asText())
        .isEqualTo("no topic 'api-absent' (not created: the request said create=false)");

    // A request refused for its body creates nothing.
    assertThat(api.post("/api/v1/topics/api-absent/records", Map.of("records", List.of())).status())
        .isEqualTo(400);
    assertThat(
            api.post(
                    "/api/v1/topics/api-absent/records",
                    Map.of("records", List.of(Map.of("value", "v", "partition", 3))))
                .status())
        .isEqualTo(400);
    assertThat(
            api.post(
                    "/api/v1/topics/bad%20name/records",
                    Map.of("records", List.of(Map.of("value", "v"))))
                .status())
        .isEqualTo(400);
    assertThat(api.get("/api/v1/topics/api-absent").status()).isEqualTo(404);
  }

  @Test
  void withAutoCreateOffNothingIsCreated() throws Exception {
    try (WatershedProcess off =
        new WatershedProcess(
                dir.resolve("data-off"), "--set", "kafka.auto.create.topics.enable=false")
            .start()) {
      CliProcess.Result refused = cli(off, "a\n", "produce", "nowhere");
      assertThat(refused.exit()).isEqualTo(4);
      assertThat(refused.err())
          .isEqualTo(
              "watershed: no topic 'nowhere' (topics are not created on first use:"
                  + " kafka.auto.create.topics.enable is false)\n");
      AdminHttp.Answer api404 =
          new AdminHttp(off.httpPort())
              .post(
                  "/api/v1/topics/nowhere/records",
                  Map.of("records", List.of(Map.of("value", "v"))));
      assertThat(api404.status()).isEqualTo(404);
    }
  }
}
