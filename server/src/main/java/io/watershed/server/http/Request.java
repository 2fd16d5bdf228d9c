package io.watershed.server.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An HTTP request as handlers see it: an immutable copy, safe to use on any thread after the Netty
 * buffer is released.
 *
 * @param path the decoded path
 * @param rawPath the path as sent, still percent-encoded; the router splits it into segments before
 *     decoding them, so that a stream name may hold an encoded {@code /}
 * @param pathParams the values of the route template's {@code {name}} segments, decoded, in the
 *     template's order
 */
public record Request(
    HttpMethod method,
    String uri,
    String path,
    String rawPath,
    Map<String, List<String>> query,
    HttpHeaders headers,
    byte[] body,
    Map<String, String> pathParams) {

  /**
   * @throws RequestTarget.MalformedTargetException if the URL cannot be decoded
   */
  static Request of(FullHttpRequest request) {
    QueryStringDecoder decoder = new QueryStringDecoder(RequestTarget.originForm(request.uri()));
    return new Request(
        request.method(),
        request.uri(),
        decoder.path(),
        decoder.rawPath(),
        Map.copyOf(decoder.parameters()),
        request.headers().copy(),
        ByteBufUtil.getBytes(request.content()),
        Map.of());
  }

  Request withPathParams(Map<String, String> params) {
    // In the template's order (Map.copyOf would iterate in an order that changes between runs).
    return new Request(
        method,
        uri,
        path,
        rawPath,
        query,
        headers,
        body,
        Collections.unmodifiableMap(new LinkedHashMap<>(params)));
  }

  /** A path parameter of the route; the router guarantees those of the template are present. */
  public String pathParam(String name) {
    String value = pathParams.get(name);
    if (value == null) {
      throw new IllegalArgumentException("no path parameter " + name);
    }
    return value;
  }

  /** The first value of a query parameter, or null. */
  public String queryParam(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }
}
