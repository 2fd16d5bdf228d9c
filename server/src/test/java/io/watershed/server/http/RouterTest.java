package io.watershed.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RouterTest {
  private final Router router = new Router();

  private static HttpHandler answer(String name) {
    return r ->
        CompletableFuture.completedFuture(
            new Response(
                HttpResponseStatus.OK,
                "text/plain",
                (name + " " + r.pathParams()).getBytes(StandardCharsets.UTF_8),
                Map.of()));
  }

  private Response call(HttpMethod method, String uri) {
    return router.dispatch(request(method, uri)).toCompletableFuture().join();
  }

  private static Request request(HttpMethod method, String uri) {
    QueryStringDecoder d = new QueryStringDecoder(uri);
    return new Request(
        method,
        uri,
        d.path(),
        d.rawPath(),
        d.parameters(),
        new DefaultHttpHeaders(),
        new byte[0],
        Map.of());
  }

  /** The metrics label the router gives a request. */
  private String label(HttpMethod method, String uri) {
    String[] label = {null};
    router.dispatch(request(method, uri), l -> label[0] = l).toCompletableFuture().join();
    return label[0];
  }

  private String body(HttpMethod method, String uri) {
    return new String(call(method, uri).body(), StandardCharsets.UTF_8);
  }

  @Test
  void templatesTakeDecodedSegmentsAndLiteralsWin() {
    router
        .get("/api/topics/{topic}", answer("topic"))
        .get("/api/topics/new", answer("literal"))
        .get("/api/topics/{topic}/partitions/{partition}", answer("partition"))
        .get("/files/{file*}", answer("file"));
    assertThat(body(HttpMethod.GET, "/api/topics/orders")).isEqualTo("topic {topic=orders}");
    assertThat(body(HttpMethod.GET, "/api/topics/new")).isEqualTo("literal {}");
    assertThat(body(HttpMethod.GET, "/api/topics/a%2Fb%20c+d")).isEqualTo("topic {topic=a/b c+d}");
    assertThat(body(HttpMethod.GET, "/api/topics/t/partitions/3?x=1"))
        .isEqualTo("partition {topic=t, partition=3}");
    assertThat(body(HttpMethod.GET, "/files/a/b.js")).isEqualTo("file {file=a/b.js}");
    assertThat(body(HttpMethod.GET, "/files/")).isEqualTo("file {file=}");
    assertThat(call(HttpMethod.GET, "/api/topics/").status())
        .isEqualTo(HttpResponseStatus.NOT_FOUND);
    assertThat(call(HttpMethod.GET, "/api/topics/t/extra").status())
        .isEqualTo(HttpResponseStatus.NOT_FOUND);
    assertThat(body(HttpMethod.HEAD, "/api/topics/x")).isEqualTo("topic {topic=x}");
  }

  @Test
  void anotherMethodIs405WithAllow() {
    router.get("/t/{x}", answer("get")).delete("/t/{x}", answer("delete"));
    Response r = call(HttpMethod.POST, "/t/1");
    assertThat(r.status()).isEqualTo(HttpResponseStatus.METHOD_NOT_ALLOWED);
    assertThat(r.headers()).containsEntry("Allow", "DELETE, GET, HEAD");
  }

  @Test
  void requestsAreLabelledByMethodAndTemplateNeverByPath() {
    router
        .get("/api/topics/{topic}", answer("get"))
        .delete("/api/topics/{topic}", answer("delete"))
        .get("/files/{file*}", answer("file"));
    assertThat(label(HttpMethod.GET, "/api/topics/orders")).isEqualTo("GET /api/topics/{topic}");
    assertThat(label(HttpMethod.GET, "/api/topics/other?x=1"))
        .isSameAs(label(HttpMethod.GET, "/api/topics/orders"));
    assertThat(label(HttpMethod.DELETE, "/api/topics/orders"))
        .isEqualTo("DELETE /api/topics/{topic}");
    assertThat(label(HttpMethod.HEAD, "/api/topics/orders")).isEqualTo("GET /api/topics/{topic}");
    assertThat(label(HttpMethod.GET, "/files/a/b/c.js")).isEqualTo("GET /files/{file*}");
    assertThat(label(HttpMethod.POST, "/api/topics/orders")).isEqualTo(Router.NO_ROUTE);
    assertThat(label(HttpMethod.GET, "/nowhere/at/all")).isEqualTo(Router.NO_ROUTE);
  }
}
