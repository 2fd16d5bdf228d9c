package io.watershed.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.ReadStreamOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input from anyone who can reach the ports, against the server process: the HTTP port answers
 * malformed URLs with a JSON 400 and goes on serving the connection; garbage on the event-store
 * port is counted in {@code /metrics}, adds a few lines to the server's output at most, and leaves
 * the official client served.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
  /** Garbage connections sent to the event-store port. */
  static final int GARBAGE = 2000;

  /** Lines the server may log for them: a minute's worth of rate-limited lines and some slack. */
  static final int MAX_NEW_LINES = 10;

  @TempDir static Path dir;
  WatershedProcess server;

  @BeforeAll
  void start() throws Exception {
    server = new WatershedProcess(dir.resolve("data")).start();
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** Reads one HTTP answer framed by Content-Length: status and body. */
  private static String[] answer(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("closed after: " + head);
      }
      head.write(c);
    }
    String headers = head.toString(StandardCharsets.ISO_8859_1);
    Matcher length = Pattern.compile("(?i)content-length: *(\\d+)").matcher(headers);
    int n = length.find() ? Integer.parseInt(length.group(1)) : 0;
    return new String[] {
      headers.substring(9, 12), new String(in.readNBytes(n), StandardCharsets.UTF_8)
    };
  }

  @Test
  void malformedUrlsAre400AndTheConnectionStaysUsable() throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.httpPort())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      ObjectMapper json = new ObjectMapper();
      for (String target : new String[] {"/health?a=%", "/api/v1/topics/%ZZ"}) {
        out.write(("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes());
        String[] a = answer(s.getInputStream());
        assertThat(a[0]).as(target).isEqualTo("400");
        JsonNode body = json.readTree(a[1]);
        assertThat(body.path("error").asText()).isEqualTo("Bad Request");
        assertThat(body.path("message").asText()).contains("malformed percent-escape");
      }
      out.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
      assertThat(answer(s.getInputStream())[0]).isEqualTo("200");
    }
  }

  private void sendGarbage(byte[] bytes) throws IOException {
    sendGarbage(server.eventStorePort(), bytes);
  }

  private static void sendGarbage(int port, byte[] bytes) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(bytes);
      byte[] sink = new byte[4096];
      while (s.getInputStream().read(sink) >= 0) {
        // until the server closes
      }
    }
  }

  private long protocolErrors() throws Exception {
    return protocolErrors("eventstore");
  }

  private long protocolErrors(String door) throws Exception {
    AdminHttp.Answer metrics = new AdminHttp(server.httpPort()).get("/metrics");
    Matcher m =
        Pattern.compile("(?m)^watershed_protocol_errors_total\\{door=\"" + door + "\"} (\\S+)$")
            .matcher(metrics.body());
    // The series appears with the first protocol error.
    return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
  }

  @Test
  void requestsTheKafkaAndKinesisDoorsCannotServeAreCountedAsProtocolErrors() throws Exception {
    long kafkaBefore = protocolErrors("kafka");
    long kinesisBefore = protocolErrors("kinesis");
    // A Kafka frame whose header names no API (key 999): the connection is closed.
    sendGarbage(
        Integer.parseInt(server.kafkaBootstrap().replaceAll(".*:", "")),
        HexFormat.of().parseHex("0000000a03e700000000002a0000"));
    // An HTTP request with a control character in a header value: 400, then closed.
    sendGarbage(
        server.kinesisPort(),
        "POST / HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0001b\r\nContent-Length: 0\r\n\r\n"
            .getBytes(StandardCharsets.ISO_8859_1));
    assertThat(protocolErrors("kafka")).isEqualTo(kafkaBefore + 1);
    assertThat(protocolErrors("kinesis")).isEqualTo(kinesisBefore + 1);
  }

  @Test
  void garbageOnTheEventStorePortIsCountedNotLogged() throws Exception {
    long before = protocolErrors();
    int linesBefore = server.log().split("\n", -1).length;
    Random random = new Random(7);
    byte[][] kinds = {
      "PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
      "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
      HexFormat.of().parseHex("16030100a5010000a10303"),
    };
    for (int i = 0; i < GARBAGE; i++) {
      if (i % 4 < kinds.length) {
        sendGarbage(kinds[i % 4]);
      } else {
        byte[] noise = new byte[1 + random.nextInt(100)];
        random.nextBytes(noise);
        noise[0] = (byte) (noise[0] == 'P' ? 'Q' : noise[0]);
        sendGarbage(noise);
      }
    }
    assertThat(protocolErrors() - before).isEqualTo(GARBAGE);
    String log = server.log();
    int added = log.split("\n", -1).length - linesBefore;
    assertThat(added)
        .as("lines added to the server's output:%n%s", log)
        .isLessThanOrEqualTo(MAX_NEW_LINES);
    assertThat(log).doesNotContain("Transport failed").doesNotContain("\tat ");

    KurrentDBClient client = EventStoreClients.client(server.eventStoreConnectionString());
    try {
      client.appendToStream("after-garbage", EventStoreClients.event("T", "{}")).get();
      assertThat(client.readStream("after-garbage", ReadStreamOptions.get()).get().getEvents())
          .hasSize(1);
    } finally {
      EventStoreClients.close(client);
    }
  }
}
