package io.watershed.kinesis;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The one STS operation Kinesis clients need from the same endpoint: {@code GetCallerIdentity} of
 * the STS Query API (a form-encoded POST {@code Action=GetCallerIdentity&Version=2011-06-15}, or
 * the same as a GET query), answered in STS's XML. The Kinesis Producer Library and SDK set-ups
 * that point STS at the Kinesis endpoint call it to learn the account; the caller is the account's
 * root, in the account the door names in stream ARNs. Other STS actions get STS's {@code
 * InvalidAction}. With credentials configured the request's SigV4 signature is checked as Kinesis
 * requests are.
 */
final class StsQuery {
  static final String VERSION = "2011-06-15";
  private static final String NAMESPACE = "https://sts.amazonaws.com/doc/" + VERSION + "/";
  private static final String FORM = "application/x-www-form-urlencoded";

  private StsQuery() {}

  /**
   * Whether a request is an STS Query API call: no {@code X-Amz-Target}, and a form-encoded POST or
   * a GET whose query names an {@code Action}.
   */
  static boolean isStsRequest(FullHttpRequest request) {
    if (request.headers().contains("X-Amz-Target")) {
      return false;
    }
    if (HttpMethod.POST.equals(request.method())) {
      String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
      return type != null && type.toLowerCase(Locale.ROOT).startsWith(FORM);
    }
    return HttpMethod.GET.equals(request.method())
        && new QueryStringDecoder(request.uri()).parameters().containsKey("Action");
  }

  /**
   * Answers an STS request.
   *
   * @param accountId the account of the caller
   * @param signatures the SigV4 check, or null to accept the request unchecked
   * @param requestId the response's request id
   */
  static FullHttpResponse answer(
      FullHttpRequest request,
      String accountId,
      SigV4 signatures,
      long nowMillis,
      Supplier<String> requestId) {
    String id = requestId.get();
    Map<String, List<String>> params =
        HttpMethod.POST.equals(request.method())
            ? new QueryStringDecoder(request.content().toString(StandardCharsets.UTF_8), false)
                .parameters()
            : new QueryStringDecoder(request.uri()).parameters();
    if (signatures != null) {
      try {
        signatures.verify(request, nowMillis);
      } catch (KinesisException e) {
        return error(HttpResponseStatus.FORBIDDEN, stsCode(e.errorType()), e.getMessage(), id);
      }
    }
    String action = first(params, "Action");
    String version = first(params, "Version");
    if (!"GetCallerIdentity".equals(action) || !VERSION.equals(version)) {
      return error(
          HttpResponseStatus.BAD_REQUEST,
          "InvalidAction",
          "Could not find operation " + action + " for version " + version,
          id);
    }
    String body =
        "<GetCallerIdentityResponse xmlns=\""
            + NAMESPACE
            + "\">\n"
            + "  <GetCallerIdentityResult>\n"
            + "    <Arn>arn:aws:iam::"
            + accountId
            + ":root</Arn>\n"
            + "    <UserId>"
            + accountId
            + "</UserId>\n"
            + "    <Account>"
            + accountId
            + "</Account>\n"
            + "  </GetCallerIdentityResult>\n"
            + "  <ResponseMetadata>\n"
            + "    <RequestId>"
            + id
            + "</RequestId>\n"
            + "  </ResponseMetadata>\n"
            + "</GetCallerIdentityResponse>\n";
    return xml(HttpResponseStatus.OK, body, id);
  }

  private static String first(Map<String, List<String>> params, String name) {
    List<String> values = params.get(name);
    return values == null || values.isEmpty() ? null : values.getFirst();
  }

  /** STS's code for a signature error Kinesis names with an {@code Exception} suffix. */
  private static String stsCode(String kinesisType) {
    return switch (kinesisType) {
      case "InvalidSignatureException" -> "SignatureDoesNotMatch";
      case "UnrecognizedClientException" -> "InvalidClientTokenId";
      default -> kinesisType.replaceFirst("Exception$", "");
    };
  }

  private static FullHttpResponse error(
      HttpResponseStatus status, String code, String message, String requestId) {
    String body =
        "<ErrorResponse xmlns=\""
            + NAMESPACE
            + "\">\n"
            + "  <Error>\n"
            + "    <Type>Sender</Type>\n"
            + "    <Code>"
            + escape(code)
            + "</Code>\n"
            + "    <Message>"
            + escape(message)
            + "</Message>\n"
            + "  </Error>\n"
            + "  <RequestId>"
            + requestId
            + "</RequestId>\n"
            + "</ErrorResponse>\n";
    return xml(status, body, requestId);
  }

  static String escape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&apos;");
        default -> {
          // XML 1.0 has no control characters but tab and line breaks: drop the others.
          if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  private static FullHttpResponse xml(HttpResponseStatus status, String body, String requestId) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    FullHttpResponse r =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
    r.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "text/xml")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
        .set("x-amzn-RequestId", requestId);
    return r;
  }
}
