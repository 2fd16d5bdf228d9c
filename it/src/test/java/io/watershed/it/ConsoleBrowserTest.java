package io.watershed.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.kurrent.dbclient.CreatePersistentSubscriptionToStreamOptions;
import io.kurrent.dbclient.KurrentDBPersistentSubscriptionsClient;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * The web console in headless Chromium (Debian's {@code chromium} and {@code chromium-driver},
 * which {@code .ci/run} installs): create a topic, produce to it with a Kafka client, find the
 * records in the message browser, watch the throughput chart move and a consumer group's lag fall
 * to zero, see event-store streams and subscriptions, and watch a Kinesis stream's shard lineage
 * picture follow a split and a merge. Takes a screenshot of each page into {@code
 * target/console-screenshots/} (the README's pictures in {@code docs/console/} come from there).
 */
class ConsoleBrowserTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  static final String TOPIC = "browser-orders";
  static final String KINESIS_STREAM = "browser-clicks";

  @TempDir Path dir;

  @Test
  void aUserWalksThroughTheConsole() throws Exception {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
    if (!present && System.getenv("CI") != null) {
      throw new IllegalStateException(".ci/run should have installed chromium and chromium-driver");
    }
    Assumptions.assumeTrue(present, "chromium and chromedriver are not installed");
    Path shots = Path.of("target", "console-screenshots");
    Files.createDirectories(shots);
    try (WatershedProcess server = new WatershedProcess(dir.resolve("data")).start()) {
      String base = "http://127.0.0.1:" + server.httpPort() + "/";
      WebDriver browser = browser(dir.resolve("chromium-profile"));
      try {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        // The pages re-render as live data comes in: an element found a moment ago may be gone.
        wait.ignoring(StaleElementReferenceException.class);

        // Create a topic in the Topics page.
        browser.get(base + "#/topics");
        wait.until(d -> !d.findElements(By.id("new-topic-name")).isEmpty());
        browser.findElement(By.id("new-topic-name")).sendKeys(TOPIC);
        browser.findElement(By.id("new-topic-partitions")).clear();
        browser.findElement(By.id("new-topic-partitions")).sendKeys("2");
        browser.findElement(By.id("create-topic-button")).click();
        wait.until(d -> d.findElement(By.tagName("h1")).getText().equals("Topic " + TOPIC));
        assertThat(browser.findElements(By.cssSelector("#partitions tr"))).hasSize(3);

        // Produce with a Kafka client while the overview's chart is open: it must move.
        browser.get(base + "#/overview");
        wait.until(d -> !d.findElements(By.id("throughput")).isEmpty());
        int produced = produce(server, 6);
        wait.until(d -> Double.parseDouble(attr(d, "#throughput", "data-max-in-rate", "0")) > 0);
        screenshot(browser, shots.resolve("overview.png"));

        browser.get(base + "#/topics");
        wait.until(
            d -> !d.findElements(By.cssSelector("tr[data-topic='" + TOPIC + "']")).isEmpty());
        screenshot(browser, shots.resolve("topics.png"));
        browser.get(base + "#/topics/" + TOPIC);
        wait.until(
            d ->
                d.findElement(By.id("topic-records"))
                    .getText()
                    .equals(String.format("%,d", produced)));
        screenshot(browser, shots.resolve("topic.png"));

        // The records are in the message browser, values shown as JSON.
        browser.get(base + "#/messages?topic=" + TOPIC + "&partition=0");
        wait.until(
            d -> d.findElements(By.cssSelector("#messages-table tr[data-offset]")).size() >= 10);
        String firstValue =
            wait.until(
                d ->
                    d.findElement(
                            By.cssSelector("#messages-table tr[data-offset='0'] pre[data-format]"))
                        .getText());
        assertThat(firstValue).contains("\"order\": 0");
        new Select(browser.findElement(By.id("browse-format"))).selectByVisibleText("hex");
        browser.findElement(By.id("browse-button")).click();
        wait.until(
            d ->
                "hex"
                    .equals(
                        attr(
                            d,
                            "#messages-table tr[data-offset='0'] pre[data-format]",
                            "data-format",
                            "")));
        new Select(browser.findElement(By.id("browse-format"))).selectByVisibleText("json");
        browser.findElement(By.id("browse-button")).click();
        wait.until(
            d ->
                "json"
                    .equals(
                        attr(
                            d,
                            "#messages-table tr[data-offset='0'] pre[data-format]",
                            "data-format",
                            "")));
        screenshot(browser, shots.resolve("messages.png"));

        // A consumer group commits part of the topic, then all of it: its lag falls to zero.
        try (KafkaConsumer<byte[], byte[]> consumer =
            KafkaClients.consumer(
                server.kafkaBootstrap(),
                Map.of(
                    ConsumerConfig.GROUP_ID_CONFIG,
                    "browser-group",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                    false,
                    ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                    20))) {
          consumer.subscribe(List.of(TOPIC));
          List<ConsumerRecord<byte[], byte[]>> some =
              KafkaClients.pollUntil(consumer, got -> !got.isEmpty(), Duration.ofSeconds(30));
          assertThat(some).isNotEmpty();
          consumer.commitSync();
          browser.get(base + "#/groups/browser-group");
          wait.until(d -> Long.parseLong(attr(d, "#group-lag", "data-lag", "0")) > 0);
          List<ConsumerRecord<byte[], byte[]>> rest =
              KafkaClients.pollUntil(
                  consumer, got -> got.size() + some.size() >= produced, Duration.ofSeconds(60));
          assertThat(rest.size() + some.size()).isEqualTo(produced);
          consumer.commitSync();
          wait.until(d -> "0".equals(attr(d, "#group-lag", "data-lag", "")));
          assertThat(browser.findElements(By.cssSelector("#group-offsets td.lag")))
              .hasSize(2)
              .allMatch(td -> "0".equals(td.getDomAttribute("data-lag")));
          screenshot(browser, shots.resolve("group.png"));
          browser.get(base + "#/groups");
          wait.until(
              d -> !d.findElements(By.cssSelector("tr[data-group='browser-group']")).isEmpty());
          screenshot(browser, shots.resolve("groups.png"));
        }

        // Event-store streams, $all and a persistent subscription.
        AdminHttp api = new AdminHttp(server.httpPort());
        for (int i = 0; i < 6; i++) {
          api.post(
              "/api/v1/eventstore/streams/cart-" + (i % 3),
              Map.of(
                  "events",
                  List.of(
                      Map.of(
                          "type",
                          i % 2 == 0 ? "ItemAdded" : "ItemRemoved",
                          "data",
                          Map.of("sku", "A-" + i)))));
        }
        KurrentDBPersistentSubscriptionsClient persistent =
            EventStoreClients.persistent(server.eventStoreConnectionString());
        try {
          persistent
              .createToStream(
                  "cart-0",
                  "checkout",
                  CreatePersistentSubscriptionToStreamOptions.get().fromStart())
              .get();
        } finally {
          EventStoreClients.close(persistent);
        }
        browser.get(base + "#/streams");
        wait.until(d -> d.findElement(By.id("streams-table")).getText().contains("cart-2"));
        screenshot(browser, shots.resolve("streams.png"));
        browser.get(base + "#/streams/%24all");
        wait.until(d -> d.findElement(By.id("events-table")).getText().contains("ItemRemoved"));
        screenshot(browser, shots.resolve("all.png"));
        browser.get(base + "#/subscriptions");
        wait.until(d -> d.findElement(By.id("subscriptions-table")).getText().contains("checkout"));
        screenshot(browser, shots.resolve("subscriptions.png"));

        // A Kinesis stream: its lineage picture follows a split and a merge made with the SDK.
        try (KinesisClient kinesis = KinesisClients.sync(server, true)) {
          kinesis.createStream(b -> b.streamName(KINESIS_STREAM).shardCount(2));
          putRecords(kinesis, 200);
          browser.get(base + "#/kinesis");
          wait.until(
              d ->
                  !d.findElements(By.cssSelector("tr[data-stream='" + KINESIS_STREAM + "']"))
                      .isEmpty());
          browser.get(base + "#/kinesis/" + KINESIS_STREAM);
          wait.until(d -> d.findElements(By.cssSelector("svg#lineage g.shard")).size() == 2);
          kinesis.splitShard(
              b ->
                  b.streamName(KINESIS_STREAM)
                      .shardToSplit("shardId-000000000000")
                      .newStartingHashKey(BigInteger.ONE.shiftLeft(126).toString()));
          kinesis.mergeShards(
              b ->
                  b.streamName(KINESIS_STREAM)
                      .shardToMerge("shardId-000000000003")
                      .adjacentShardToMerge("shardId-000000000001"));
          putRecords(kinesis, 100);
          wait.until(d -> d.findElements(By.cssSelector("svg#lineage g.shard")).size() == 5);
          assertThat(
                  browser.findElements(By.cssSelector("svg#lineage g.shard[data-state='CLOSED']")))
              .hasSize(3);
          assertThat(browser.findElements(By.cssSelector("svg#lineage path.edge"))).hasSize(4);
          assertThat(
                  browser
                      .findElement(
                          By.cssSelector("svg#lineage g[data-shard='shardId-000000000004']"))
                      .getDomAttribute("data-depth"))
              .isEqualTo("2");
          assertThat(
                  browser.findElements(
                      By.cssSelector(
                          "svg#lineage path.edge[data-from='shardId-000000000001']"
                              + "[data-to='shardId-000000000004']")))
              .hasSize(1);
          assertThat(browser.findElement(By.id("shards-table")).getText())
              .contains("shardId-000000000004");
          screenshot(browser, shots.resolve("kinesis-stream.png"));
          browser.get(base + "#/kinesis");
          wait.until(
              d ->
                  d.findElement(By.cssSelector("tr[data-stream='" + KINESIS_STREAM + "']"))
                      .getText()
                      .contains("2 3 24 h 300"));
          screenshot(browser, shots.resolve("kinesis.png"));
        }
      } finally {
        browser.quit();
      }
    }
  }

  /** Puts {@code count} JSON records over 40 partition keys with PutRecords. */
  private static void putRecords(KinesisClient kinesis, int count) {
    List<PutRecordsRequestEntry> entries = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      entries.add(
          PutRecordsRequestEntry.builder()
              .partitionKey("user-" + (i % 40))
              .data(SdkBytes.fromUtf8String("{\"click\": " + i + "}"))
              .build());
    }
    assertThat(
            kinesis
                .putRecords(b -> b.streamName(KINESIS_STREAM).records(entries))
                .failedRecordCount())
        .isZero();
  }

  /**
   * Produces JSON records to both partitions for about {@code seconds} seconds; returns how many.
   */
  private static int produce(WatershedProcess server, int seconds) throws Exception {
    int n = 0;
    long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    try (KafkaProducer<byte[], byte[]> producer =
        KafkaClients.producer(server.kafkaBootstrap(), Map.of())) {
      List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
      while (System.nanoTime() < end && n < 10_000) {
        for (int i = 0; i < 20; i++, n++) {
          String value = "{\"order\": " + n + ", \"sku\": \"SKU-" + (n % 7) + "\"}";
          sent.add(
              producer.send(
                  new ProducerRecord<>(
                      TOPIC,
                      n % 2,
                      ("o-" + n).getBytes(StandardCharsets.UTF_8),
                      value.getBytes(StandardCharsets.UTF_8))));
        }
        Thread.sleep(100);
      }
      for (var f : sent) {
        f.get();
      }
    }
    return n;
  }

  private static String attr(WebDriver d, String css, String name, String fallback) {
    var found = d.findElements(By.cssSelector(css));
    if (found.isEmpty()) {
      return fallback;
    }
    String v = found.get(0).getDomAttribute(name);
    return v == null || v.isEmpty() ? fallback : v;
  }

  private static void screenshot(WebDriver browser, Path file) throws Exception {
    Thread.sleep(300); // let the charts and tables paint
    Files.write(file, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }

  private static WebDriver browser(Path profile) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        "--user-data-dir=" + profile.toAbsolutePath());
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(DRIVER.toFile())
            .usingAnyFreePort()
            .build();
    return new ChromeDriver(service, options);
  }
}
