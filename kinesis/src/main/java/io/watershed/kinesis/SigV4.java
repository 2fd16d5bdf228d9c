package io.watershed.kinesis;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4 as Kinesis checks it, for a server configured with one access key: the
 * {@code Authorization: AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request,
 * SignedHeaders=…, Signature=…} header is recomputed from the canonical request (method, path,
 * query, the signed headers, the SHA-256 of the body) and compared in constant time. The request
 * time ({@code X-Amz-Date}) must be within five minutes of the server's clock.
 */
public final class SigV4 {
  static final String ALGORITHM = "AWS4-HMAC-SHA256";
  static final Duration MAX_SKEW = Duration.ofMinutes(5);
  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT);
  private static final HexFormat HEX = HexFormat.of();

  private final String accessKeyId;
  private final String secret;

  public SigV4(String accessKeyId, String secret) {
    this.accessKeyId = accessKeyId;
    this.secret = secret;
  }

  /**
   * Checks a request's signature.
   *
   * @param nowMillis the server's clock, epoch milliseconds
   * @throws KinesisException MissingAuthenticationTokenException, IncompleteSignatureException,
   *     UnrecognizedClientException or InvalidSignatureException, as AWS answers them
   */
  public void verify(FullHttpRequest request, long nowMillis) {
    HttpHeaders h = request.headers();
    String auth = h.get("Authorization");
    if (auth == null) {
      throw new KinesisException(
          "MissingAuthenticationTokenException", 400, "Missing Authentication Token");
    }
    if (!auth.startsWith(ALGORITHM + " ")) {
      throw incomplete("Unsupported authorization type. Authorization=" + auth);
    }
    Map<String, String> params = new TreeMap<>();
    for (String part : auth.substring(ALGORITHM.length()).split(",")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        params.put(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
      }
    }
    String credential = params.get("Credential");
    String signedHeaders = params.get("SignedHeaders");
    String signature = params.get("Signature");
    String amzDate = h.get("X-Amz-Date");
    if (credential == null || signedHeaders == null || signature == null || amzDate == null) {
      throw incomplete(
          "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters"
              + " and an 'X-Amz-Date' header. Authorization="
              + auth);
    }
    String[] scope = credential.split("/");
    if (scope.length != 5 || !scope[4].equals("aws4_request")) {
      throw incomplete("Credential should be scoped correctly. Credential=" + credential);
    }
    if (!scope[0].equals(accessKeyId)) {
      throw new KinesisException(
          "UnrecognizedClientException",
          400,
          "The security token included in the request is invalid.");
    }
    LocalDateTime at;
    try {
      at = LocalDateTime.parse(amzDate, AMZ_DATE);
    } catch (DateTimeParseException e) {
      throw incomplete("Date must be in ISO-8601 'basic format'. Got '" + amzDate + "'.");
    }
    long atMillis = at.toInstant(ZoneOffset.UTC).toEpochMilli();
    String now = AMZ_DATE.format(LocalDateTime.ofEpochSecond(nowMillis / 1000, 0, ZoneOffset.UTC));
    if (atMillis < nowMillis - MAX_SKEW.toMillis()) {
      throw invalid("Signature expired: " + amzDate + " is now earlier than " + now + " - 5 min.");
    }
    if (atMillis > nowMillis + MAX_SKEW.toMillis()) {
      throw invalid(
          "Signature not yet current: " + amzDate + " is still later than " + now + " + 5 min.");
    }
    String canonical = canonicalRequest(request, signedHeaders);
    String stringToSign =
        ALGORITHM
            + "\n"
            + amzDate
            + "\n"
            + String.join("/", scope[1], scope[2], scope[3], scope[4])
            + "\n"
            + HEX.formatHex(sha256(canonical.getBytes(StandardCharsets.UTF_8)));
    byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), scope[1]);
    key = hmac(key, scope[2]);
    key = hmac(key, scope[3]);
    key = hmac(key, scope[4]);
    byte[] expected = hmac(key, stringToSign);
    byte[] given;
    try {
      given = HEX.parseHex(signature);
    } catch (IllegalArgumentException e) {
      given = new byte[0];
    }
    if (!MessageDigest.isEqual(expected, given)) {
      throw invalid(
          "The request signature we calculated does not match the signature you provided. Check"
              + " your AWS Secret Access Key and signing method. Consult the service documentation"
              + " for details.");
    }
  }

  static String canonicalRequest(FullHttpRequest request, String signedHeaders) {
    String uri = request.uri();
    int q = uri.indexOf('?');
    String path = q < 0 ? uri : uri.substring(0, q);
    String query = q < 0 ? "" : canonicalQuery(uri.substring(q + 1));
    StringBuilder sb = new StringBuilder();
    sb.append(request.method().name()).append('\n');
    sb.append(path.isEmpty() ? "/" : path).append('\n');
    sb.append(query).append('\n');
    for (String name : signedHeaders.split(";")) {
      List<String> values = new ArrayList<>();
      for (String v : request.headers().getAll(name)) {
        values.add(v.strip().replaceAll(" +", " "));
      }
      sb.append(name.toLowerCase(Locale.ROOT)).append(':').append(String.join(",", values));
      sb.append('\n');
    }
    sb.append('\n').append(signedHeaders).append('\n');
    String declared = request.headers().get("X-Amz-Content-Sha256");
    if (declared != null && declared.equals("UNSIGNED-PAYLOAD")) {
      sb.append(declared);
    } else {
      ByteBuf body = request.content();
      byte[] bytes = new byte[body.readableBytes()];
      body.getBytes(body.readerIndex(), bytes);
      sb.append(HEX.formatHex(sha256(bytes)));
    }
    return sb.toString();
  }

  private static String canonicalQuery(String query) {
    TreeMap<String, String> sorted = new TreeMap<>();
    for (String pair : query.split("&")) {
      if (!pair.isEmpty()) {
        int eq = pair.indexOf('=');
        sorted.put(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
      }
    }
    List<String> parts = new ArrayList<>();
    sorted.forEach((k, v) -> parts.add(k + "=" + v));
    return String.join("&", parts);
  }

  private static KinesisException incomplete(String message) {
    return new KinesisException("IncompleteSignatureException", 400, message);
  }

  private static KinesisException invalid(String message) {
    return new KinesisException("InvalidSignatureException", 400, message);
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
