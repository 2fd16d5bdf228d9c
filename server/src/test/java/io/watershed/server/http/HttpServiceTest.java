package io.watershed.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpServiceTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private HttpService http;

  private void start(Path dataDir) throws Exception {
    http = new HttpService("127.0.0.1", 0);
    http.routes()
        .get(
            "/health",
            new HealthHandler(List.of(new DataDirCheck(dataDir, http.blockingExecutor()))));
    http.start();
    assertThat(http.port()).isPositive();
    assertThat(http.boundPorts()).containsEntry("http", http.port());
  }

  @AfterEach
  void stop() {
    if (http != null) {
      http.close();
    }
    client.close();
  }

  private HttpResponse<String> send(String method, String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path))
            .timeout(Duration.ofSeconds(5))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void healthIsUpWhenDataDirIsWritable() throws Exception {
    start(tmp);
    HttpResponse<String> response = send("GET", "/health");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("status").asText()).isEqualTo("UP");
    assertThat(body.at("/checks/dataDir/writable").asBoolean()).isTrue();
    assertThat(body.at("/checks/dataDir/path").asText()).isEqualTo(tmp.toString());
    try (var files = Files.list(tmp)) {
      assertThat(files).as("probe file removed").isEmpty();
    }

    // the same connection serves the next request (keep-alive)
    assertThat(send("GET", "/health").statusCode()).isEqualTo(200);
  }

  @Test
  void healthIsDownWhenDataDirIsNotWritable() throws Exception {
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    Path underFile = file.resolve("data"); // cannot create anything here, even as root
    start(underFile);

    HttpResponse<String> response = send("GET", "/health");

    assertThat(response.statusCode()).isEqualTo(503);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("status").asText()).isEqualTo("DOWN");
    assertThat(body.at("/checks/dataDir/writable").asBoolean()).isFalse();
    assertThat(body.at("/checks/dataDir/path").asText()).isEqualTo(underFile.toString());
    assertThat(body.at("/checks/dataDir/error").asText()).isNotEmpty();
  }

  @Test
  void unknownPathIs404Json() throws Exception {
    start(tmp);
    HttpResponse<String> response = send("GET", "/no/such/thing?x=1");

    assertThat(response.statusCode()).isEqualTo(404);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("error").asText()).isEqualTo("Not Found");
    assertThat(body.get("message").asText()).contains("/no/such/thing");
  }

  @Test
  void wrongMethodIs405WithAllow() throws Exception {
    start(tmp);
    HttpResponse<String> response = send("DELETE", "/health");

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("allow")).hasValue("GET, HEAD");
    assertThat(JSON.readTree(response.body()).get("error").asText())
        .isEqualTo("Method Not Allowed");
  }

  @Test
  void headIsServedByGetWithoutBody() throws Exception {
    start(tmp);
    HttpResponse<String> response = send("HEAD", "/health");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEmpty();
  }

  @Test
  void failingHandlerIs500AndConnectionSurvives() throws Exception {
    http = new HttpService("127.0.0.1", 0);
    http.routes()
        .get(
            "/boom",
            request -> {
              throw new IllegalStateException("boom");
            })
        .get(
            "/ok",
            request ->
                java.util.concurrent.CompletableFuture.completedFuture(
                    Response.json(io.netty.handler.codec.http.HttpResponseStatus.OK, "ok")));
    http.start();

    assertThat(send("GET", "/boom").statusCode()).isEqualTo(500);
    assertThat(send("GET", "/ok").statusCode()).isEqualTo(200);
  }
}
