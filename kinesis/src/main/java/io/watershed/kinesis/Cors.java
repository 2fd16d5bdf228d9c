package io.watershed.kinesis;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Cross-origin access for browser SDKs (the AWS SDK for JavaScript), as Kinesis endpoints allow it:
 * any origin, the methods the API uses, the headers the SDK sends, and the response headers it
 * reads. A request with an {@code Origin} gets {@code Access-Control-Allow-Origin: *} and {@code
 * Access-Control-Expose-Headers}; an {@code OPTIONS} preflight with an {@code Origin} is answered
 * here, before any check of the method, target or signature (browsers send it unsigned).
 *
 * <p>Credentials in the CORS sense (cookies) are not used by the SDK, so the wildcard origin is
 * enough. A preflight's {@code Access-Control-Allow-Headers} lists the requested headers that are
 * allowed — {@code authorization}, {@code content-type}, {@code content-length}, {@code x-amz-*},
 * {@code x-amzn-*}, {@code amz-sdk-*} and the other headers the SDK sets — so a browser refuses a
 * request with any other header, as it would at AWS.
 */
final class Cors {
  /** Methods a browser may use: POST for Kinesis and STS, GET for STS queries. */
  static final String ALLOWED_METHODS = "GET, POST, OPTIONS";

  /** Response headers the SDK reads. */
  static final String EXPOSED_HEADERS =
      "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,x-amz-request-id,x-amz-id-2,"
          + "x-amz-apigw-id,Date";

  /** How long a browser may cache a preflight's answer, in seconds: two days, as AWS answers. */
  static final int MAX_AGE_SECONDS = 172_800;

  private static final Set<String> ALLOWED_HEADERS =
      Set.of(
          "authorization",
          "content-type",
          "content-length",
          "content-encoding",
          "content-md5",
          "expect",
          "user-agent",
          "x-requested-with");

  private static final List<String> ALLOWED_PREFIXES = List.of("x-amz-", "x-amzn-", "amz-sdk-");

  private Cors() {}

  /** Whether a request is a CORS preflight, which is answered by {@link #preflight}. */
  static boolean isPreflight(HttpMethod method, HttpHeaders headers) {
    return HttpMethod.OPTIONS.equals(method) && headers.contains(HttpHeaderNames.ORIGIN);
  }

  /** Whether a header may be sent by a browser. */
  static boolean allowedHeader(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    if (ALLOWED_HEADERS.contains(n)) {
      return true;
    }
    for (String prefix : ALLOWED_PREFIXES) {
      if (n.startsWith(prefix) && n.length() > prefix.length()) {
        return true;
      }
    }
    return false;
  }

  /** The 200 answer to a preflight. */
  static FullHttpResponse preflight(HttpHeaders request, String requestId) {
    FullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.EMPTY_BUFFER);
    r.headers()
        .setInt(HttpHeaderNames.CONTENT_LENGTH, 0)
        .set("x-amzn-RequestId", requestId)
        .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*")
        .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, ALLOWED_METHODS)
        .setInt(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, MAX_AGE_SECONDS);
    String asked = request.get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
    if (asked != null) {
      List<String> allowed = new ArrayList<>();
      for (String h : asked.split(",")) {
        if (allowedHeader(h)) {
          allowed.add(h.trim().toLowerCase(Locale.ROOT));
        }
      }
      if (!allowed.isEmpty()) {
        r.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, String.join(",", allowed));
      }
    }
    return r;
  }

  /** Adds the headers of a cross-origin answer when the request came with an {@code Origin}. */
  static void decorate(HttpHeaders request, HttpHeaders response) {
    if (request.contains(HttpHeaderNames.ORIGIN)) {
      response
          .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*")
          .set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED_HEADERS);
    }
  }
}
