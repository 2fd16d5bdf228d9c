package io.watershed.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kurrent.dbclient.CreatePersistentSubscriptionToStreamOptions;
import io.kurrent.dbclient.KurrentDBPersistentSubscriptionsClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API against the server process: every endpoint, what users check in its answers, and
 * its refusals — bad input, unknown names, conflicts and every limit.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminApiTest {
  @TempDir static Path dir;
  WatershedProcess server;
  AdminHttp api;

  @BeforeAll
  void start() throws Exception {
    server = new WatershedProcess(dir.resolve("data")).start();
    api = new AdminHttp(server.httpPort());
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void healthReadyAndOpenApi() throws Exception {
    assertThat(api.get("/health").status()).isEqualTo(200);
    AdminHttp.Answer ready = api.get("/ready");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().path("status").asText()).isEqualTo("READY");
    assertThat(ready.json().path("listening").has("kafka")).isTrue();

    JsonNode doc = api.get("/api/v1/openapi.json").json();
    assertThat(doc.path("openapi").asText()).startsWith("3.");
    for (String path :
        List.of(
            "/api/v1/topics",
            "/api/v1/topics/{topic}",
            "/api/v1/topics/{topic}/configs",
            "/api/v1/topics/{topic}/partitions",
            "/api/v1/topics/{topic}/partitions/{partition}/records",
            "/api/v1/topics/{topic}/records",
            "/api/v1/groups",
            "/api/v1/groups/{group}",
            "/api/v1/groups/{group}/reset-offsets",
            "/api/v1/eventstore/streams",
            "/api/v1/eventstore/streams/{stream}",
            "/api/v1/eventstore/subscriptions",
            "/api/v1/eventstore/subscriptions/{stream}/{group}",
            "/api/v1/eventstore/subscriptions/{stream}/{group}/replay-parked",
            "/api/v1/kinesis/streams",
            "/api/v1/kinesis/streams/{stream}",
            "/api/v1/kinesis/streams/{stream}/shards",
            "/api/v1/kinesis/streams/{stream}/consumers",
            "/api/v1/cluster",
            "/api/v1/config",
            "/api/v1/stats")) {
      assertThat(doc.path("paths").has(path)).as(path).isTrue();
    }
    assertThat(api.get("/api/v1/openapi.yaml").body()).startsWith("openapi:");
  }

  @Test
  void clusterAndConfig() throws Exception {
    JsonNode c = api.get("/api/v1/cluster").json();
    assertThat(c.path("ready").asBoolean()).isTrue();
    assertThat(c.path("doors").path("kafka").path("port").asInt())
        .isEqualTo(Integer.parseInt(server.kafkaBootstrap().split(":")[1]));
    assertThat(c.path("doors").path("kinesis").path("status").asText()).isEqualTo("listening");
    assertThat(c.path("doors").path("pulsar").path("status").asText()).isEqualTo("not available");
    JsonNode settings = api.get("/api/v1/config").json().path("settings");
    assertThat(settings.path("log.flush").asText()).isEqualTo("durable");
    assertThat(settings.path("log.retention.ms").asText()).isEqualTo("604800000");
    assertThat(settings.path("kafka.group.initial.rebalance.delay.ms").asText()).isEqualTo("0");
  }

  @Test
  void topicsCreateDescribeAlterDelete() throws Exception {
    AdminHttp.Answer created =
        api.post(
            "/api/v1/topics",
            Map.of(
                "name", "admin-t1", "partitions", 3, "configs", Map.of("retention.ms", "1000000")));
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.json().path("partitions").size()).isEqualTo(3);
    assertThat(created.json().path("configs").path("retention.ms").path("source").asText())
        .isEqualTo("topic");
    assertThat(api.post("/api/v1/topics", Map.of("name", "admin-t1")).status()).isEqualTo(409);
    assertThat(api.post("/api/v1/topics", Map.of("name", "bad name!")).status()).isEqualTo(400);
    assertThat(api.post("/api/v1/topics", Map.of("partitions", 1)).status()).isEqualTo(400);
    assertThat(api.post("/api/v1/topics", "{not json").status()).isEqualTo(400);
    assertThat(api.post("/api/v1/topics", "[1]").status()).isEqualTo(400);
    assertThat(
            api.post(
                    "/api/v1/topics",
                    Map.of("name", "x", "configs", Map.of("retention.ms", "soon")))
                .status())
        .isEqualTo(400);

    List<String> names = new ArrayList<>();
    api.get("/api/v1/topics")
        .json()
        .path("topics")
        .forEach(t -> names.add(t.path("name").asText()));
    assertThat(names).contains("admin-t1", "__eventstore_all");
    assertThat(api.get("/api/v1/topics?internal=false").body()).doesNotContain("__eventstore_all");
    assertThat(api.get("/api/v1/topics?internal=maybe").status()).isEqualTo(400);

    AdminHttp.Answer altered =
        api.patch(
            "/api/v1/topics/admin-t1/configs",
            Map.of("set", Map.of("cleanup.policy", "compact"), "remove", List.of("retention.ms")));
    assertThat(altered.status()).isEqualTo(200);
    assertThat(altered.json().path("configs").path("cleanup.policy").path("value").asText())
        .isEqualTo("compact");
    assertThat(altered.json().path("configs").path("retention.ms").path("source").asText())
        .isEqualTo("default");
    assertThat(
            api.patch("/api/v1/topics/admin-t1/configs", Map.of("set", Map.of("no.such", "1")))
                .status())
        .isEqualTo(400);
    assertThat(api.patch("/api/v1/topics/admin-t1/configs", Map.of()).status()).isEqualTo(400);
    assertThat(
            api.post("/api/v1/topics/admin-t1/partitions", Map.of("count", 5))
                .json()
                .path("partitionCount")
                .asInt())
        .isEqualTo(5);
    assertThat(api.post("/api/v1/topics/admin-t1/partitions", Map.of("count", 2)).status())
        .isEqualTo(400);

    assertThat(api.delete("/api/v1/topics/__eventstore_all").status()).isEqualTo(403);
    assertThat(api.delete("/api/v1/topics/admin-t1").status()).isEqualTo(200);
    assertThat(api.get("/api/v1/topics/admin-t1").status()).isEqualTo(404);
    assertThat(api.delete("/api/v1/topics/admin-t1").status()).isEqualTo(404);
    AdminHttp.Answer wrongMethod = api.send("PUT", "/api/v1/topics", "{}");
    assertThat(wrongMethod.status()).isEqualTo(405);
    assertThat(wrongMethod.response().headers().firstValue("Allow")).hasValue("GET, HEAD, POST");
    assertThat(api.get("/api/v1/nothing").json().path("error").asText()).isEqualTo("Not Found");
  }

  @Test
  void produceBrowseAndConsumeRecords() throws Exception {
    api.post("/api/v1/topics", Map.of("name", "admin-rec", "partitions", 2));
    List<Map<String, Object>> records = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      records.add(
          Map.of(
              "key",
              "k" + (i % 5),
              "value",
              Map.of("i", i),
              "headers",
              Map.of("source", "test"),
              "timestamp",
              1_000_000L + i));
    }
    AdminHttp.Answer produced =
        api.post("/api/v1/topics/admin-rec/records", Map.of("records", records));
    assertThat(produced.status()).isEqualTo(200);
    assertThat(produced.json().path("records").size()).isEqualTo(50);
    // Keys land where Kafka's default partitioner puts them: the same key, the same partition.
    Map<String, Integer> partitionOfKey = new java.util.HashMap<>();
    for (int i = 0; i < 50; i++) {
      int p = produced.json().path("records").get(i).path("partition").asInt();
      assertThat(partitionOfKey.computeIfAbsent("k" + (i % 5), k -> p)).isEqualTo(p);
    }
    int p0 = partitionOfKey.get("k0");
    JsonNode page =
        api.get("/api/v1/topics/admin-rec/partitions/" + p0 + "/records?limit=3").json();
    assertThat(page.path("records").size()).isEqualTo(3);
    JsonNode first = page.path("records").get(0);
    assertThat(first.path("valueFormat").asText()).isEqualTo("json");
    assertThat(first.path("value").has("i")).isTrue();
    assertThat(first.path("headers").get(0).path("value").asText()).isEqualTo("test");
    assertThat(page.path("nextOffset").asLong()).isEqualTo(3);
    JsonNode hex =
        api.get("/api/v1/topics/admin-rec/partitions/" + p0 + "/records?limit=1&format=hex").json();
    assertThat(hex.path("records").get(0).path("value").asText()).startsWith("7b22"); // {"
    JsonNode byTime =
        api.get("/api/v1/topics/admin-rec/partitions/" + p0 + "/records?timestamp=1000040").json();
    assertThat(byTime.path("records").get(0).path("timestamp").asLong())
        .isGreaterThanOrEqualTo(1_000_040L);
    JsonNode tail =
        api.get("/api/v1/topics/admin-rec/partitions/" + p0 + "/records?tail=true&limit=2").json();
    assertThat(tail.path("records").size()).isEqualTo(2);
    assertThat(tail.path("nextOffset").asLong()).isEqualTo(tail.path("endOffset").asLong());

    // Refusals and limits.
    assertThat(api.get("/api/v1/topics/admin-rec/partitions/9/records").status()).isEqualTo(404);
    assertThat(api.get("/api/v1/topics/admin-rec/partitions/x/records").status()).isEqualTo(400);
    assertThat(api.get("/api/v1/topics/admin-rec/partitions/0/records?limit=1001").status())
        .isEqualTo(400);
    assertThat(api.get("/api/v1/topics/admin-rec/partitions/0/records?limit=0").status())
        .isEqualTo(400);
    assertThat(api.get("/api/v1/topics/admin-rec/partitions/0/records?offset=1&tail=true").status())
        .isEqualTo(400);
    assertThat(api.get("/api/v1/topics/admin-rec/partitions/0/records?format=xml").status())
        .isEqualTo(400);
    assertThat(api.get("/api/v1/topics/admin-rec/records?waitMs=30001").status()).isEqualTo(400);
    assertThat(api.post("/api/v1/topics/admin-rec/records", Map.of("records", List.of())).status())
        .isEqualTo(400);
    List<Map<String, Object>> tooMany = new ArrayList<>();
    for (int i = 0; i < 10_001; i++) {
      tooMany.add(Map.of("value", ""));
    }
    assertThat(api.post("/api/v1/topics/admin-rec/records", Map.of("records", tooMany)).status())
        .isEqualTo(400);
    String big = "x".repeat(1 << 20);
    assertThat(
            api.post(
                    "/api/v1/topics/admin-rec/records",
                    Map.of("records", List.of(Map.of("value", big))))
                .status())
        .isEqualTo(413);
    assertThat(
            api.post(
                    "/api/v1/topics/admin-rec/records",
                    Map.of("records", List.of(Map.of("value", "v", "partition", 7))))
                .status())
        .isEqualTo(400);
    assertThat(
            api.post(
                    "/api/v1/topics/nope/records?create=false",
                    Map.of("records", List.of(Map.of("value", "v"))))
                .status())
        .isEqualTo(404);
    assertThat(
            api.post(
                    "/api/v1/topics/__eventstore_all/records",
                    Map.of("records", List.of(Map.of("value", "v"))))
                .status())
        .isEqualTo(403);

    // Consuming the whole topic in pages, then as a group that commits.
    Set<Integer> seen = new HashSet<>();
    String positions = null;
    for (int round = 0; round < 10 && seen.size() < 50; round++) {
      JsonNode r =
          api.get(
                  "/api/v1/topics/admin-rec/records?limit=20"
                      + (positions == null ? "" : "&positions=" + positions))
              .json();
      r.path("records").forEach(x -> seen.add(x.path("value").path("i").asInt()));
      StringBuilder next = new StringBuilder();
      r.path("positions")
          .properties()
          .forEach(
              e ->
                  next.append(next.isEmpty() ? "" : ",")
                      .append(e.getKey())
                      .append(':')
                      .append(e.getValue().asLong()));
      positions = next.toString();
    }
    assertThat(seen).hasSize(50);
    assertThat(api.get("/api/v1/topics/admin-rec/records?positions=0-1").status()).isEqualTo(400);
    JsonNode g1 = api.get("/api/v1/topics/admin-rec/records?group=api-group&limit=30").json();
    JsonNode g2 = api.get("/api/v1/topics/admin-rec/records?group=api-group&limit=30").json();
    assertThat(g1.path("records").size() + g2.path("records").size()).isEqualTo(50);
    JsonNode group = api.get("/api/v1/groups/api-group").json();
    assertThat(group.path("lag").asLong()).isZero();
    assertThat(group.path("offsets").size()).isEqualTo(2);
    long start = System.nanoTime();
    JsonNode waited = api.get("/api/v1/topics/admin-rec/records?group=api-group&waitMs=500").json();
    assertThat(waited.path("records").size()).isZero();
    assertThat(System.nanoTime() - start).isGreaterThan(400_000_000L);
  }

  @Test
  void kafkaGroupsWithMembersLagAndResets() throws Exception {
    String topic = "admin-groups";
    api.post("/api/v1/topics", Map.of("name", topic, "partitions", 2));
    try (KafkaProducer<byte[], byte[]> producer =
        KafkaClients.producer(server.kafkaBootstrap(), Map.of())) {
      for (int i = 0; i < 100; i++) {
        producer
            .send(
                new ProducerRecord<>(
                    topic, i % 2, null, ("v" + i).getBytes(StandardCharsets.UTF_8)))
            .get();
      }
    }
    try (KafkaConsumer<byte[], byte[]> consumer =
        KafkaClients.consumer(
            server.kafkaBootstrap(),
            Map.of(
                ConsumerConfig.GROUP_ID_CONFIG,
                "g-admin",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false))) {
      consumer.subscribe(List.of(topic));
      KafkaClients.pollUntil(consumer, got -> got.size() >= 60, Duration.ofSeconds(30));
      consumer.commitSync();
      JsonNode g = api.get("/api/v1/groups/g-admin").json();
      assertThat(g.path("state").asText()).isEqualTo("Stable");
      assertThat(g.path("members").size()).isEqualTo(1);
      assertThat(g.path("members").get(0).path("assignment").path(topic).size()).isEqualTo(2);
      assertThat(g.path("offsets").get(0).path("memberId").asText()).isNotEmpty();
      JsonNode listed = api.get("/api/v1/groups").json().path("groups");
      assertThat(listed.toString()).contains("g-admin");
      AdminHttp.Answer refused =
          api.post(
              "/api/v1/groups/g-admin/reset-offsets", Map.of("topic", topic, "to", "earliest"));
      assertThat(refused.status()).isEqualTo(409);
      assertThat(refused.json().path("message").asText()).contains("active member");
    }
    AdminHttp.Answer dry =
        api.post(
            "/api/v1/groups/g-admin/reset-offsets",
            Map.of("topic", topic, "to", "earliest", "dryRun", true));
    assertThat(dry.status()).isEqualTo(200);
    assertThat(dry.json().path("offsets").get(0).path("newOffset").asLong()).isZero();
    long before = api.get("/api/v1/groups/g-admin").json().path("lag").asLong();
    assertThat(api.get("/api/v1/groups/g-admin").json().path("lag").asLong()).isEqualTo(before);
    assertThat(
            api.post(
                    "/api/v1/groups/g-admin/reset-offsets",
                    Map.of("topic", topic, "to", "earliest"))
                .status())
        .isEqualTo(200);
    assertThat(api.get("/api/v1/groups/g-admin").json().path("lag").asLong()).isEqualTo(100);
    api.post(
        "/api/v1/groups/g-admin/reset-offsets",
        Map.of("topic", "*", "to", "offset", "offset", 40, "partitions", List.of(0)));
    JsonNode after = api.get("/api/v1/groups/g-admin").json().path("offsets");
    assertThat(after.get(0).path("committedOffset").asLong()).isEqualTo(40);
    api.post("/api/v1/groups/g-admin/reset-offsets", Map.of("topic", topic, "to", "latest"));
    assertThat(api.get("/api/v1/groups/g-admin").json().path("lag").asLong()).isZero();
    assertThat(
            api.post(
                    "/api/v1/groups/g-admin/reset-offsets",
                    Map.of("topic", topic, "to", "timestamp", "timestamp", 0))
                .json()
                .path("offsets")
                .get(0)
                .path("newOffset")
                .asLong())
        .isZero();
    assertThat(
            api.post("/api/v1/groups/g-admin/reset-offsets", Map.of("topic", topic, "to", "soon"))
                .status())
        .isEqualTo(400);
    assertThat(
            api.post("/api/v1/groups/g-admin/reset-offsets", Map.of("topic", topic, "to", "offset"))
                .status())
        .isEqualTo(400);
    assertThat(
            api.post(
                    "/api/v1/groups/g-admin/reset-offsets", Map.of("topic", "nope", "to", "latest"))
                .status())
        .isEqualTo(404);
    assertThat(api.get("/api/v1/groups/no-such-group").status()).isEqualTo(404);
  }

  @Test
  void eventStoreStreamsAllAndSubscriptions() throws Exception {
    for (int i = 0; i < 5; i++) {
      AdminHttp.Answer a =
          api.post(
              "/api/v1/eventstore/streams/order-" + (i % 2),
              Map.of("events", List.of(Map.of("type", "OrderPlaced", "data", Map.of("n", i)))));
      assertThat(a.status()).isEqualTo(201);
    }
    AdminHttp.Answer conflict =
        api.post(
            "/api/v1/eventstore/streams/order-0",
            Map.of("expectedRevision", "no_stream", "events", List.of(Map.of("type", "X"))));
    assertThat(conflict.status()).isEqualTo(409);
    assertThat(
            api.post(
                    "/api/v1/eventstore/streams/order-0",
                    Map.of(
                        "expectedRevision",
                        2,
                        "events",
                        List.of(Map.of("type", "OrderShipped", "data", "plain text"))))
                .json()
                .path("lastRevision")
                .asLong())
        .isEqualTo(3);
    assertThat(
            api.post(
                    "/api/v1/eventstore/streams/order-0",
                    Map.of("events", List.of(Map.of("data", 1))))
                .status())
        .isEqualTo(400);
    assertThat(
            api.post(
                    "/api/v1/eventstore/streams/order-0",
                    Map.of("expectedRevision", "maybe", "events", List.of(Map.of("type", "X"))))
                .status())
        .isEqualTo(400);
    assertThat(
            api.post(
                    "/api/v1/eventstore/streams/$all",
                    Map.of("events", List.of(Map.of("type", "X"))))
                .status())
        .isEqualTo(400);

    String streams = api.get("/api/v1/eventstore/streams").json().toString();
    assertThat(streams).contains("\"order-0\"", "\"order-1\"");
    JsonNode forwards = api.get("/api/v1/eventstore/streams/order-0?direction=forwards").json();
    assertThat(forwards.path("events").size()).isEqualTo(4);
    assertThat(forwards.path("events").get(0).path("data").path("n").asInt()).isZero();
    assertThat(forwards.path("events").get(3).path("data").asText()).isEqualTo("plain text");
    JsonNode backwards = api.get("/api/v1/eventstore/streams/order-0?limit=2").json();
    assertThat(backwards.path("events").get(0).path("revision").asLong()).isEqualTo(3);
    assertThat(backwards.path("next").asLong()).isEqualTo(1);
    JsonNode all =
        api.get("/api/v1/eventstore/streams/%24all?direction=forwards&limit=1000").json();
    assertThat(all.path("events").toString()).contains("OrderPlaced", "OrderShipped");
    JsonNode category = api.get("/api/v1/eventstore/streams/%24ce-order?direction=forwards").json();
    assertThat(category.path("events").size()).isEqualTo(6);
    assertThat(api.get("/api/v1/eventstore/streams/nothing-here").status()).isEqualTo(404);
    assertThat(api.get("/api/v1/eventstore/streams/order-0?limit=5000").status()).isEqualTo(400);

    KurrentDBPersistentSubscriptionsClient persistent =
        EventStoreClients.persistent(server.eventStoreConnectionString());
    try {
      persistent
          .createToStream(
              "order-1", "billing", CreatePersistentSubscriptionToStreamOptions.get().fromStart())
          .get();
      JsonNode subs = api.get("/api/v1/eventstore/subscriptions").json().path("subscriptions");
      assertThat(subs.size()).isEqualTo(1);
      assertThat(subs.get(0).path("group").asText()).isEqualTo("billing");
      assertThat(subs.get(0).path("parked").asLong()).isZero();
      JsonNode one = api.get("/api/v1/eventstore/subscriptions/order-1/billing").json();
      assertThat(one.path("connections").isArray()).isTrue();
      assertThat(one.has("backlog")).isTrue();
      assertThat(
              api.post("/api/v1/eventstore/subscriptions/order-1/billing/replay-parked", Map.of())
                  .status())
          .isEqualTo(200);
      assertThat(api.get("/api/v1/eventstore/subscriptions/order-1/nobody").status())
          .isEqualTo(404);
      assertThat(
              api.post("/api/v1/eventstore/subscriptions/order-1/nobody/replay-parked", Map.of())
                  .status())
          .isEqualTo(404);
    } finally {
      EventStoreClients.close(persistent);
    }
  }
}
