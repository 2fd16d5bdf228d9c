package io.watershed.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.watershed.core.metrics.RequestObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Raw HTTP: malformed bodies and unknown operations get AWS errors, and the door keeps serving. */
class MalformedRequestTest {
  @TempDir Path dir;

  private static HttpResponse<String> post(URI uri, String target, String type, byte[] body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .header("Content-Type", type)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (target != null) {
      b.header("X-Amz-Target", target);
    }
    try (HttpClient c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      return c.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  @Test
  void aBodyOverTheRequestLimitGets413() throws Exception {
    KinesisConfig d = KinesisConfig.defaults("127.0.0.1", 0);
    KinesisConfig small =
        new KinesisConfig(
            d.bindHost(),
            d.port(),
            64 * 1024,
            d.region(),
            d.accountId(),
            d.shardLimit(),
            d.onDemandStreamLimit(),
            d.iteratorLifetimeMs(),
            d.subscriptionLifetimeMs(),
            null,
            null,
            false);
    List<String> observed = new CopyOnWriteArrayList<>();
    RequestObserver observer =
        (api, nanos, failed) -> observed.add(api + (failed ? " failed" : ""));
    try (KinesisTestServer server = new KinesisTestServer(dir, small, observer);
        java.net.Socket socket = new java.net.Socket("127.0.0.1", server.door().port())) {
      socket
          .getOutputStream()
          .write(
              ("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-amz-json-1.1\r\n"
                      + "X-Amz-Target: Kinesis_20131202.PutRecords\r\nContent-Length: 100000\r\n\r\n")
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      String status =
          new java.io.BufferedReader(
                  new java.io.InputStreamReader(
                      socket.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII))
              .readLine();
      assertThat(status).startsWith("HTTP/1.1 413");
      var r =
          post(
              server.endpoint(),
              "Kinesis_20131202.ListStreams",
              "application/x-amz-json-1.1",
              "{}".getBytes());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(observed).containsExactly("PutRecords failed", "ListStreams");
    }
  }

  @Test
  void aBodyOverTheLimitIsAnsweredAfterTheRequestsPipelinedBeforeIt() throws Exception {
    try (KinesisTestServer server = new KinesisTestServer(dir)) {
      assertThat(
              post(
                      server.endpoint(),
                      "Kinesis_20131202.CreateStream",
                      "application/x-amz-json-1.1",
                      "{\"StreamName\":\"piped\",\"ShardCount\":1}".getBytes())
                  .statusCode())
          .isEqualTo(200);
      String put = "{\"StreamName\":\"piped\",\"PartitionKey\":\"k\",\"Data\":\"AAAA\"}";
      String head =
          "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-amz-json-1.1\r\n"
              + "X-Amz-Target: Kinesis_20131202.PutRecord\r\n";
      // A write whose answer waits for an fsync, then one whose Content-Length is over the limit:
      // the 413 must not overtake the write's answer (a client would pair them the other way).
      for (int i = 0; i < 20; i++) {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.door().port())) {
          socket.setSoTimeout(10_000);
          String requests =
              head
                  + "Content-Length: "
                  + put.length()
                  + "\r\n\r\n"
                  + put
                  + head
                  + "Content-Length: 100000000\r\n\r\n";
          socket
              .getOutputStream()
              .write(requests.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          socket.getOutputStream().flush();
          String answers =
              new String(
                  socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
          assertThat(answers).startsWith("HTTP/1.1 200 ");
          int second = answers.indexOf("HTTP/1.1", 1);
          assertThat(second).isPositive();
          assertThat(answers.substring(second)).startsWith("HTTP/1.1 413 ");
          assertThat(answers.substring(0, second)).contains("SequenceNumber");
        }
      }
    }
  }

  @Test
  void aRequestThatIsNotValidHttpGets400AndTheConnectionCloses() throws Exception {
    try (KinesisTestServer server = new KinesisTestServer(dir);
        java.net.Socket socket = new java.net.Socket("127.0.0.1", server.door().port())) {
      socket.setSoTimeout(10_000);
      String body = "{}";
      // A keep-alive request with a control character in a header value, then a valid one.
      String bad =
          "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-amz-json-1.1\r\n"
              + "X-Amz-Target: Kinesis_20131202.ListStreams\r\nX-Note: a\u0001b\r\n"
              + "Content-Length: 2\r\n\r\n"
              + body;
      String good =
          "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-amz-json-1.1\r\n"
              + "X-Amz-Target: Kinesis_20131202.ListStreams\r\nContent-Length: 2\r\n\r\n"
              + body;
      socket
          .getOutputStream()
          .write((bad + good).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      // Everything the server sends until it closes: the 400, and nothing after it.
      String answer =
          new String(
              socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 400 ");
      assertThat(answer.toLowerCase(java.util.Locale.ROOT)).contains("connection: close");
      assertThat(answer).contains("SerializationException").contains("not valid HTTP");
      assertThat(answer.indexOf("HTTP/1.1", 1)).isEqualTo(-1);
      var r =
          post(
              server.endpoint(),
              "Kinesis_20131202.ListStreams",
              "application/x-amz-json-1.1",
              body.getBytes());
      assertThat(r.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void badInputGetsErrorsNotCrashes() throws Exception {
    try (KinesisTestServer server = new KinesisTestServer(dir)) {
      URI uri = server.endpoint();
      String json = "application/x-amz-json-1.1";
      var r = post(uri, "Kinesis_20131202.DescribeStream", json, "{not json".getBytes());
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).contains("\"__type\":\"SerializationException\"");

      r = post(uri, "Kinesis_20131202.Frobnicate", json, "{}".getBytes());
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).contains("UnknownOperationException");

      r = post(uri, null, json, "{}".getBytes());
      assertThat(r.body()).contains("UnknownOperationException");

      r = post(uri, "Kinesis_20131202.PutRecord", json, "{\"StreamName\":5}".getBytes());
      assertThat(r.body()).contains("SerializationException");

      server.door().context().topics().create("b64", 1, java.util.Map.of()).get();
      r =
          post(
              uri,
              "Kinesis_20131202.PutRecord",
              json,
              "{\"StreamName\":\"b64\",\"PartitionKey\":\"k\",\"Data\":\"no*base64!\"}".getBytes());
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).contains("SerializationException");

      r =
          post(
              uri,
              "Kinesis_20131202.CreateStream",
              "application/x-amz-cbor-1.1",
              new byte[] {(byte) 0xbf, 0x61});
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/x-amz-cbor-1.1");

      r =
          post(
              uri, "Kinesis_20131202.DescribeStream", json, "{\"StreamName\":\"nope\"}".getBytes());
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.headers().firstValue("x-amzn-ErrorType")).hasValue("ResourceNotFoundException");

      r = post(uri, "Kinesis_20131202.ListStreams", json, "{}".getBytes());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("\"StreamNames\":[\"b64\"]");
    }
  }
}
