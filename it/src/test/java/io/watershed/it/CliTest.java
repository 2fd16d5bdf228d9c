package io.watershed.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/watershed}'s administrative commands against the server process, as a script would run
 * them: their output, their exit codes, bad arguments and an unreachable server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliTest {
  @TempDir static Path dir;
  WatershedProcess server;
  String url;

  @BeforeAll
  void start() throws Exception {
    server = new WatershedProcess(dir.resolve("data")).start();
    url = "http://127.0.0.1:" + server.httpPort();
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  CliProcess.Result cli(String... args) throws Exception {
    return cliIn(null, args);
  }

  CliProcess.Result cliIn(String stdin, String... args) throws Exception {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--server";
    all[args.length + 1] = url;
    return CliProcess.run(stdin, all);
  }

  @Test
  void topicsCommands() throws Exception {
    CliProcess.Result created =
        cli("topics", "create", "cli-t", "-p", "3", "-c", "retention.ms=3600000");
    assertThat(created.exit()).as(created.err()).isZero();
    assertThat(created.out()).contains("created topic cli-t with 3 partition(s)");
    assertThat(cli("topics", "create", "cli-t").exit()).isEqualTo(5);
    CliProcess.Result list = cli("topics", "list");
    assertThat(list.out()).contains("TOPIC").containsPattern("cli-t\\s+3\\s+0");
    CliProcess.Result describe = cli("topics", "describe", "cli-t");
    assertThat(describe.out())
        .contains("partitions: 3")
        .containsPattern("retention.ms\\s+3600000\\s+topic");
    assertThat(cli("topics", "describe", "cli-t", "--json").out()).contains("\"topicId\"");
    assertThat(
            cli("topics", "alter", "cli-t", "--set", "cleanup.policy=compact", "--partitions", "4")
                .exit())
        .isZero();
    assertThat(cli("topics", "describe", "cli-t").out())
        .contains("partitions: 4")
        .containsPattern("cleanup.policy\\s+compact");
    CliProcess.Result badAlter = cli("topics", "alter", "cli-t");
    assertThat(badAlter.exit()).isEqualTo(2);
    assertThat(badAlter.err())
        .isEqualTo("watershed: nothing to change: give --set, --remove or --partitions\n");
    assertThat(cli("topics", "alter", "cli-t", "--set", "bogus=1").exit()).isEqualTo(2);
    assertThat(cli("topics", "delete", "cli-t").out()).contains("deleted topic cli-t");
    CliProcess.Result missing = cli("topics", "describe", "cli-t");
    assertThat(missing.exit()).isEqualTo(4);
    assertThat(missing.err()).isEqualTo("watershed: no topic 'cli-t'\n");
  }

  @Test
  void produceAndConsume(@TempDir Path files) throws Exception {
    assertThat(cli("topics", "create", "cli-io", "-p", "2").exit()).isZero();
    CliProcess.Result produced =
        cliIn("a:one\nb:two\nc:three\n", "produce", "cli-io", "-K", ":", "-H", "origin=cli");
    assertThat(produced.exit()).as(produced.err()).isZero();
    assertThat(produced.err()).contains("produced 3 record(s)");
    Path file = files.resolve("lines.txt");
    Files.writeString(file, "{\"n\":1}\n{\"n\":2}\n", StandardCharsets.UTF_8);
    assertThat(cli("produce", "cli-io", "--file", file.toString(), "-p", "0").exit()).isZero();

    CliProcess.Result raw = cli("consume", "cli-io", "--print-key");
    assertThat(raw.exit()).isZero();
    assertThat(raw.out().lines().toList()).contains("a\tone", "b\ttwo", "c\tthree", "\t{\"n\":1}");
    CliProcess.Result json = cli("consume", "cli-io", "-o", "json", "--max", "2");
    assertThat(json.out().lines()).hasSize(2).allMatch(l -> l.startsWith("{\"partition\""));
    assertThat(json.out()).contains("\"headers\":[{\"key\":\"origin\",\"value\":\"cli\"}]");
    CliProcess.Result hex =
        cli("consume", "cli-io", "-o", "hex", "-p", "0", "--offset", "0", "--max", "1");
    assertThat(hex.out().strip()).matches("[0-9a-f]+");
    assertThat(cli("consume", "cli-io", "--from-end").out()).isEmpty();
    assertThat(cli("consume", "cli-io", "--from-timestamp", "0").out().lines()).hasSize(5);

    // As a group: the first run reads everything and commits; the second finds nothing new.
    assertThat(cli("consume", "cli-io", "-g", "cli-group").out().lines()).hasSize(5);
    assertThat(cli("consume", "cli-io", "-g", "cli-group").out()).isEmpty();

    CliProcess.Result load =
        cli("produce", "cli-io", "--count", "3000", "--size", "64", "--batch", "250");
    assertThat(load.exit()).as(load.err()).isZero();
    assertThat(load.err()).contains("100% 3,000/3,000 records");
    assertThat(load.out())
        .containsPattern(
            "3,000 records \\(.*\\) in [0-9.]+ s: [0-9,]+ records/s, [0-9.]+ MB/s;"
                + " latency p50 [0-9.]+ ms, p95 [0-9.]+ ms, p99 [0-9.]+ ms, max [0-9.]+ ms");
    assertThat(cli("consume", "cli-io", "-g", "cli-group", "--max", "100000").out().lines())
        .hasSize(3000);

    assertThat(cli("produce", "nope", "--count", "1", "--no-create").exit()).isEqualTo(4);
    assertThat(cli("produce", "cli-io", "--file", files.resolve("none").toString()).exit())
        .isEqualTo(2);
    assertThat(cli("consume", "cli-io", "--offset", "1").exit()).isEqualTo(2);
    assertThat(cli("consume", "cli-io", "-o", "xml").exit()).isEqualTo(2);
  }

  @Test
  void groupsCommands() throws Exception {
    assertThat(cli("topics", "create", "cli-g", "-p", "2").exit()).isZero();
    assertThat(cliIn("1\n2\n3\n4\n", "produce", "cli-g").exit()).isZero();
    try (KafkaConsumer<byte[], byte[]> consumer =
        KafkaClients.consumer(
            server.kafkaBootstrap(),
            Map.of(
                ConsumerConfig.GROUP_ID_CONFIG,
                "cli-kafka",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false))) {
      consumer.subscribe(List.of("cli-g"));
      KafkaClients.pollUntil(consumer, got -> got.size() >= 4, Duration.ofSeconds(30));
      consumer.commitSync();
      assertThat(cli("groups", "list").out())
          .containsPattern("cli-kafka\\s+classic\\s+Stable\\s+1\\s+0\\s+cli-g");
      CliProcess.Result described = cli("groups", "describe", "cli-kafka");
      assertThat(described.out()).contains("state: Stable", "ASSIGNMENT", "cli-g[0,1]");
      CliProcess.Result refused =
          cli(
              "groups",
              "reset-offsets",
              "cli-kafka",
              "--topic",
              "cli-g",
              "--to-earliest",
              "--execute");
      assertThat(refused.exit()).isEqualTo(5);
      assertThat(refused.err()).contains("active member");
    }
    CliProcess.Result dry =
        cli("groups", "reset-offsets", "cli-kafka", "--topic", "cli-g", "--to-earliest");
    assertThat(dry.exit()).isZero();
    assertThat(dry.out()).contains("dry run: nothing changed");
    assertThat(cli("groups", "describe", "cli-kafka").out()).contains("lag: 0");
    assertThat(
            cli(
                    "groups",
                    "reset-offsets",
                    "cli-kafka",
                    "--all-topics",
                    "--to-offset",
                    "1",
                    "--partitions",
                    "0",
                    "--execute")
                .exit())
        .isZero();
    assertThat(
            cli(
                    "groups",
                    "reset-offsets",
                    "cli-kafka",
                    "--topic",
                    "cli-g",
                    "--to-datetime",
                    "1970-01-01T00:00:00Z",
                    "--execute")
                .exit())
        .isZero();
    assertThat(cli("groups", "describe", "cli-kafka").out()).contains("lag: 4");
    assertThat(cli("groups", "reset-offsets", "cli-kafka", "--topic", "cli-g").exit()).isEqualTo(2);
    assertThat(
            cli(
                    "groups",
                    "reset-offsets",
                    "cli-kafka",
                    "--topic",
                    "cli-g",
                    "--to-datetime",
                    "yesterday")
                .exit())
        .isEqualTo(2);
    assertThat(cli("groups", "describe", "nobody").exit()).isEqualTo(4);
  }

  @Test
  void streamsAndConfig() throws Exception {
    CliProcess.Result appended =
        cliIn(
            "{\"sku\":\"a\"}\n{\"sku\":\"b\"}\n", "streams", "append", "cart-7", "-t", "ItemAdded");
    assertThat(appended.exit()).as(appended.err()).isZero();
    assertThat(appended.out()).contains("appended 2 event(s) to cart-7; last revision 1");
    assertThat(
            cli(
                    "streams",
                    "append",
                    "cart-7",
                    "-t",
                    "Checkout",
                    "-d",
                    "done",
                    "--expected-revision",
                    "1")
                .exit())
        .isZero();
    CliProcess.Result conflict =
        cli(
            "streams",
            "append",
            "cart-7",
            "-t",
            "X",
            "-d",
            "{}",
            "--expected-revision",
            "no_stream");
    assertThat(conflict.exit()).isEqualTo(5);
    assertThat(cli("streams", "list").out()).contains("cart-7").doesNotContain("$");
    CliProcess.Result read = cli("streams", "read", "cart-7");
    assertThat(read.out().lines()).hasSize(3);
    assertThat(read.out()).contains("\"sku\":\"a\"", "\"data\":\"done\"");
    assertThat(cli("streams", "read", "cart-7", "--backwards", "--max", "1").out())
        .contains("Checkout");
    assertThat(cli("streams", "read", "$all").out()).contains("ItemAdded");
    assertThat(cli("streams", "read", "missing").exit()).isEqualTo(4);
    assertThat(cli("streams", "append", "cart-7").exit()).isEqualTo(2); // --type is required

    CliProcess.Result config = cli("config", "show");
    assertThat(config.exit()).isZero();
    assertThat(config.out()).contains("log.flush = durable", "data.dir = ", "# bound kafka port: ");
    assertThat(cli("config", "show", "--json").out()).contains("\"settings\"");
  }

  @Test
  void helpUsageAndUnreachableServer() throws Exception {
    CliProcess.Result help = CliProcess.run(null, "--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("topics", "groups", "streams", "config", "produce", "consume");
    for (List<String> cmd :
        List.of(
            List.of("topics", "--help"),
            List.of("topics", "create", "--help"),
            List.of("groups", "reset-offsets", "--help"),
            List.of("streams", "append", "--help"),
            List.of("config", "show", "--help"),
            List.of("produce", "--help"),
            List.of("consume", "--help"))) {
      CliProcess.Result r = CliProcess.run(null, cmd.toArray(String[]::new));
      assertThat(r.exit()).as(cmd.toString()).isZero();
      assertThat(r.out())
          .contains("Usage: watershed " + String.join(" ", cmd.subList(0, cmd.size() - 1)))
          .contains("Exit codes:");
    }
    CliProcess.Result bare = CliProcess.run(null, "topics");
    assertThat(bare.exit()).isEqualTo(2);
    CliProcess.Result bad = CliProcess.run(null, "topics", "create", "x", "--partitions", "many");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err().lines()).hasSize(1);
    assertThat(bad.err()).startsWith("watershed: ").contains("--partitions");
    CliProcess.Result unknown = CliProcess.run(null, "topics", "list", "--bogus");
    assertThat(unknown.exit()).isEqualTo(2);

    // Nothing listens on port 1.
    CliProcess.Result unreachable =
        CliProcess.run(null, "topics", "list", "--server", "http://127.0.0.1:1");
    assertThat(unreachable.exit()).isEqualTo(3);
    assertThat(unreachable.err())
        .isEqualTo(
            "watershed: cannot reach the server at http://127.0.0.1:1: connection refused (is it"
                + " running? see --server)\n");
    assertThat(CliProcess.run(null, "consume", "t", "--server", "http://127.0.0.1:1").exit())
        .isEqualTo(3);
    assertThat(
            CliProcess.run(null, "produce", "t", "--count", "10", "--server", "http://127.0.0.1:1")
                .exit())
        .isEqualTo(3);
    assertThat(CliProcess.run(null, "topics", "list", "--server", "ftp://x").exit()).isEqualTo(2);
  }
}
