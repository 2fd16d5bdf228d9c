package io.watershed.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.watershed.core.metrics.RequestObserver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a client sending bad HTTP sees on a raw socket: every request gets an answer in the admin
 * API's JSON error form, and the connection goes on whenever the stream is still framed.
 */
class MalformedRequestsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HttpService http;
  private final CompletableFuture<Response> slow = new CompletableFuture<>();
  private final AtomicInteger protocolErrors = new AtomicInteger();
  private final AtomicInteger failedRequests = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    http = new HttpService("127.0.0.1", 0);
    http.observeRequests(
        new RequestObserver() {
          @Override
          public void completed(String api, long nanos, boolean failed) {
            if (failed) {
              failedRequests.incrementAndGet();
            }
          }

          @Override
          public void protocolError() {
            protocolErrors.incrementAndGet();
          }
        });
    http.routes()
        .get("/health", r -> answer(Map.of("status", "UP")))
        .get("/api/v1/topics/{topic}", r -> answer(Map.of("topic", r.pathParam("topic"))))
        .post("/api/v1/topics", r -> answer(Map.of("bytes", r.body().length)))
        .get("/slow", r -> slow)
        .get(
            "/releases-slow",
            r -> {
              // The first answer completes on another thread, whose write is queued to the event
              // loop, before this (already complete) answer is chained on the loop.
              Thread t =
                  new Thread(() -> slow.complete(Response.json(HttpResponseStatus.OK, "slow")));
              t.start();
              try {
                t.join();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return answer("fast");
            });
    http.start();
  }

  private static CompletableFuture<Response> answer(Object body) {
    return CompletableFuture.completedFuture(Response.json(HttpResponseStatus.OK, body));
  }

  @AfterEach
  void stop() {
    http.close();
  }

  /** One answer as read off the socket. */
  record Answer(int status, Map<String, String> headers, String body) {
    JsonNode json() throws IOException {
      return JSON.readTree(body);
    }

    String message() throws IOException {
      return json().path("message").asText();
    }
  }

  /** A raw connection: writes bytes, reads answers framed by their Content-Length. */
  final class Connection implements AutoCloseable {
    final Socket socket;
    final InputStream in;

    Connection() throws IOException {
      socket = new Socket("127.0.0.1", http.port());
      socket.setSoTimeout(5000);
      in = socket.getInputStream();
    }

    Connection send(String text) throws IOException {
      return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    Connection send(byte[] bytes) throws IOException {
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
      return this;
    }

    Answer read() throws IOException {
      String statusLine = line();
      assertThat(statusLine).as("status line").startsWith("HTTP/1.1 ");
      Map<String, String> headers = new LinkedHashMap<>();
      for (String h; !(h = line()).isEmpty(); ) {
        int colon = h.indexOf(':');
        headers.put(h.substring(0, colon).toLowerCase(Locale.ROOT), h.substring(colon + 1).strip());
      }
      byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
      return new Answer(
          Integer.parseInt(statusLine.substring(9, 12)),
          headers,
          new String(body, StandardCharsets.UTF_8));
    }

    private String line() throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (int c; (c = in.read()) != '\n'; ) {
        if (c < 0) {
          throw new IOException("connection closed");
        }
        if (c != '\r') {
          b.write(c);
        }
      }
      return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** Whether the server closed the connection (reads end of stream). */
    boolean closedByServer() throws IOException {
      try {
        return in.read() < 0;
      } catch (SocketTimeoutException e) {
        return false;
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private static String get(String target) {
    return "GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n";
  }

  private static void assertJsonError(Answer a, int status) throws IOException {
    assertThat(a.status()).as(a.body()).isEqualTo(status);
    assertThat(a.headers()).containsEntry("content-type", "application/json");
    assertThat(a.json().path("error").asText())
        .isEqualTo(HttpResponseStatus.valueOf(status).reasonPhrase());
  }

  @Test
  void malformedPercentEscapesAre400AndTheConnectionGoesOn() throws Exception {
    try (Connection c = new Connection()) {
      Answer query = c.send(get("/health?a=%")).read();
      assertJsonError(query, 400);
      assertThat(query.message()).contains("malformed percent-escape at index 10: '%'");

      Answer path = c.send(get("/api/v1/topics/%ZZ")).read();
      assertJsonError(path, 400);
      assertThat(path.message()).contains("'%ZZ'");

      assertJsonError(c.send(get("/api/v1/topics?x=%E0%A4%A")).read(), 400);
      assertThat(c.send(get("/api/v1/topics/a%2Fb")).read().json().path("topic").asText())
          .isEqualTo("a/b");
    }
    assertThat(failedRequests).hasValue(3);
    assertThat(protocolErrors).hasValue(0);
  }

  @Test
  void urlsThatAreNotUtf8Are400() throws Exception {
    try (Connection c = new Connection()) {
      Answer escaped = c.send(get("/api/v1/topics/%C3%28")).read();
      assertJsonError(escaped, 400);
      assertThat(escaped.message()).contains("not UTF-8");

      byte[] raw = get("/api/v1/topics/\u00e9").getBytes(StandardCharsets.UTF_8);
      Answer rawBytes = c.send(raw).read();
      assertJsonError(rawBytes, 400);
      assertThat(rawBytes.message()).contains("percent-encode");

      Answer utf8 = c.send(get("/api/v1/topics/caf%C3%A9")).read();
      assertThat(utf8.json().path("topic").asText()).isEqualTo("café");
    }
  }

  @Test
  void absoluteFormIsServed() throws Exception {
    try (Connection c = new Connection()) {
      assertThat(c.send(get("http://localhost:8080/health")).read().status()).isEqualTo(200);
      assertThat(c.send(get("HTTP://localhost/api/v1/topics/t?x=1")).read().body())
          .contains("\"t\"");
    }
  }

  @Test
  void requestLineOverTheLimitIs414AndCloses() throws Exception {
    try (Connection c = new Connection()) {
      Answer a = c.send(get("/" + "a".repeat(HttpService.MAX_LINE_BYTES))).read();
      assertJsonError(a, 414);
      assertThat(a.headers()).containsEntry("connection", "close");
      assertThat(c.closedByServer()).isTrue();
    }
    assertThat(protocolErrors).hasValue(1);
  }

  @Test
  void headersOverTheLimitAre431AndClose() throws Exception {
    try (Connection c = new Connection()) {
      String big = "X-Big: " + "a".repeat(HttpService.MAX_HEADER_BYTES) + "\r\n";
      Answer a = c.send("GET /health HTTP/1.1\r\nHost: x\r\n" + big + "\r\n").read();
      assertJsonError(a, 431);
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void garbageInvalidMethodsAndBadHeadersAre400AndClose() throws Exception {
    for (String bad :
        new String[] {
          "G@T /health HTTP/1.1\r\nHost: x\r\n\r\n",
          "GET /health HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n",
          "POST /api/v1/topics HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
          "POST /api/v1/topics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
          "garbage\r\n\r\n",
        }) {
      try (Connection c = new Connection()) {
        Answer a = c.send(bad).read();
        assertJsonError(a, 400);
        assertThat(a.message()).startsWith("malformed request: ");
        assertThat(c.closedByServer()).as(bad).isTrue();
      }
    }
    assertThat(protocolErrors).hasValue(5);
  }

  @Test
  void http2PriorKnowledgeIs505AndCloses() throws Exception {
    try (Connection c = new Connection()) {
      Answer a = c.send("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").read();
      assertJsonError(a, 505);
      assertThat(a.message()).contains("not HTTP/2.0");
      assertThat(c.closedByServer()).isTrue();
    }
    assertThat(protocolErrors).hasValue(1);
  }

  @Test
  void http10IsServedAndClosed() throws Exception {
    try (Connection c = new Connection()) {
      Answer a = c.send("GET /health HTTP/1.0\r\n\r\n").read();
      assertThat(a.status()).isEqualTo(200);
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void bodyAnnouncedOverTheLimitIs413AndTheConnectionGoesOn() throws Exception {
    int size = HttpService.MAX_REQUEST_BYTES + 1;
    try (Connection c = new Connection()) {
      c.send("POST /api/v1/topics HTTP/1.1\r\nHost: x\r\nContent-Length: " + size + "\r\n\r\n");
      c.send(new byte[size]);
      Answer a = c.read();
      assertJsonError(a, 413);
      assertThat(a.message()).isEqualTo("the request body is larger than 1048576 bytes");
      // The body was discarded as it came; the next request is read as one.
      assertThat(c.send(get("/health")).read().status()).isEqualTo(200);
    }
  }

  @Test
  void chunkedBodyOverTheLimitIs413AndCloses() throws Exception {
    try (Connection c = new Connection()) {
      c.send("POST /api/v1/topics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
      byte[] chunk = new byte[64 * 1024];
      String size = Integer.toHexString(chunk.length) + "\r\n";
      // Exactly the limit, taken in; then one byte more, which the server refuses. Nothing is
      // sent after it, so the server closes with nothing unread (which would reset the
      // connection and could lose the answer).
      for (int sent = 0; sent < HttpService.MAX_REQUEST_BYTES; sent += chunk.length) {
        c.send(size).send(chunk).send("\r\n");
      }
      c.send("1\r\nx\r\n");
      Answer a = c.read();
      assertJsonError(a, 413);
      assertThat(a.headers()).containsEntry("connection", "close");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void expectContinueOverTheLimitIs413WithoutTheBody() throws Exception {
    try (Connection c = new Connection()) {
      Answer a =
          c.send(
                  "POST /api/v1/topics HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                      + "Content-Length: 2000000\r\n\r\n")
              .read();
      assertJsonError(a, 413);
    }
    try (Connection c = new Connection()) {
      Answer a = c.send("GET /health HTTP/1.1\r\nHost: x\r\nExpect: something-else\r\n\r\n").read();
      assertJsonError(a, 417);
    }
  }

  @Test
  void answersStayInRequestOrderAroundABadRequest() throws Exception {
    try (Connection c = new Connection()) {
      c.send(get("/api/v1/topics/first") + get("/health?a=%") + get("/api/v1/topics/last"));
      assertThat(c.read().body()).contains("first");
      assertThat(c.read().status()).isEqualTo(400);
      assertThat(c.read().body()).contains("last");
    }
  }

  @Test
  void anAnswerCompletedOffTheEventLoopIsNotOvertakenByTheNext() throws Exception {
    try (Connection c = new Connection()) {
      c.send(get("/slow") + get("/releases-slow"));
      assertThat(c.read().body()).contains("slow").doesNotContain("fast");
      assertThat(c.read().body()).contains("fast");
    }
  }
}
