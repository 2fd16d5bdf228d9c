package io.watershed.server.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Map;

/**
 * An HTTP request as handlers see it: an immutable copy, safe to use on any thread after the Netty
 * buffer is released.
 */
public record Request(
    HttpMethod method,
    String uri,
    String path,
    Map<String, List<String>> query,
    HttpHeaders headers,
    byte[] body) {

  static Request of(FullHttpRequest request) {
    QueryStringDecoder decoder = new QueryStringDecoder(request.uri());
    return new Request(
        request.method(),
        request.uri(),
        decoder.path(),
        Map.copyOf(decoder.parameters()),
        request.headers().copy(),
        ByteBufUtil.getBytes(request.content()));
  }
}
