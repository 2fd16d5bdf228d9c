package io.watershed.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpContentException;
import io.watershed.core.topic.TopicStore;
import io.watershed.log.LogClosedException;
import io.watershed.log.LogDamagedException;
import io.watershed.log.LogStorageException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an HTTP request into a call of the handler that {@code X-Amz-Target:
 * Kinesis_20131202.<Operation>} names, and its outcome into an HTTP response in the request's
 * encoding: 200 with the response members, or the error's status with {@code {"__type", "message"}}
 * and the {@code x-amzn-ErrorType} header. SigV4 signatures are verified when credentials are
 * configured ({@link SigV4}), else accepted unchecked. No request can make it throw.
 */
public final class KinesisDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(KinesisDispatcher.class);
  static final String TARGET_PREFIX = "Kinesis_20131202.";

  /** What {@link #operationOf} calls a request that names no operation served here. */
  public static final String UNKNOWN_OPERATION = "Unknown";

  private final Map<String, OperationHandler> handlers = new HashMap<>();
  private final Map<String, StreamingOperation> streaming = new HashMap<>();
  private final SigV4 signatures;
  private final LongSupplier clock;
  private final String accountId;
  private final java.util.EnumMap<BodyEncoding, java.util.concurrent.atomic.LongAdder> requests =
      new java.util.EnumMap<>(BodyEncoding.class);

  /**
   * @param handlers the operations answered with one body
   * @param streaming the operations answered with an event stream
   * @param signatures the SigV4 check, or null to accept every request unchecked
   * @param clock epoch milliseconds, for the signature's time window
   * @param accountId the account STS GetCallerIdentity names
   */
  public KinesisDispatcher(
      List<OperationHandler> handlers,
      List<StreamingOperation> streaming,
      SigV4 signatures,
      LongSupplier clock,
      String accountId) {
    for (OperationHandler h : handlers) {
      if (this.handlers.put(h.operation(), h) != null) {
        throw new IllegalArgumentException("two handlers for " + h.operation());
      }
    }
    for (StreamingOperation h : streaming) {
      if (this.streaming.put(h.operation(), h) != null
          || this.handlers.containsKey(h.operation())) {
        throw new IllegalArgumentException("two handlers for " + h.operation());
      }
    }
    this.signatures = signatures;
    this.clock = clock;
    this.accountId = accountId;
    for (BodyEncoding e : BodyEncoding.values()) {
      requests.put(e, new java.util.concurrent.atomic.LongAdder());
    }
  }

  /** The operations served, for logs and tests. */
  public java.util.Set<String> operations() {
    return java.util.Collections.unmodifiableSet(handlers.keySet());
  }

  /** Requests received in {@code encoding} so far. */
  public long requestCount(BodyEncoding encoding) {
    return requests.get(encoding).sum();
  }

  /**
   * Serves one request. The body is read before this returns, so the caller may release the request
   * then; the response future never fails.
   */
  public CompletableFuture<FullHttpResponse> dispatch(FullHttpRequest request) {
    return dispatch(request, Runnable::run);
  }

  /**
   * Serves one request, encoding the response on {@code replies} (the connection's event loop) when
   * the handler's future completes elsewhere.
   */
  public CompletableFuture<FullHttpResponse> dispatch(FullHttpRequest request, Executor replies) {
    HttpHeaders asked = request.headers();
    CompletableFuture<FullHttpResponse> answer;
    if (Cors.isPreflight(request.method(), asked)) {
      answer = CompletableFuture.completedFuture(Cors.preflight(asked, requestId()));
    } else if (StsQuery.isStsRequest(request)) {
      answer =
          CompletableFuture.completedFuture(
              StsQuery.answer(
                  request, accountId, signatures, clock.getAsLong(), KinesisDispatcher::requestId));
    } else {
      answer = dispatchKinesis(request, replies);
    }
    return answer.thenApply(
        r -> {
          Cors.decorate(asked, r.headers());
          return r;
        });
  }

  private CompletableFuture<FullHttpResponse> dispatchKinesis(
      FullHttpRequest request, Executor replies) {
    BodyEncoding encoding = encoding(request);
    requests.get(encoding).increment();
    CompletableFuture<ObjectNode> result;
    try {
      KinesisRequest decoded = decode(request, encoding, replies);
      OperationHandler handler = handlers.get(decoded.operation());
      if (handler == null) {
        throw KinesisException.invalidArgument(
            decoded.operation() + " answers with an event stream; see openStream.");
      }
      result = handler.handle(decoded);
    } catch (Throwable t) {
      result = CompletableFuture.failedFuture(t);
    }
    BiFunction<ObjectNode, Throwable, FullHttpResponse> respond =
        (node, err) -> {
          try {
            return err == null ? ok(encoding, node) : error(encoding, err);
          } catch (RuntimeException e) {
            return error(encoding, e);
          }
        };
    return result.isDone() ? result.handle(respond) : result.handleAsync(respond, replies);
  }

  private static BodyEncoding encoding(FullHttpRequest request) {
    return BodyEncoding.forContentType(request.headers().get(HttpHeaderNames.CONTENT_TYPE));
  }

  /**
   * A request answered before it reaches an operation, in a form other than the Kinesis error body
   * of its encoding (the XML Kinesis answers to a request it cannot route, a bare error type).
   */
  private static final class EarlyAnswer extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient FullHttpResponse response;

    EarlyAnswer(FullHttpResponse response) {
      super(null, null, false, false);
      this.response = response;
    }
  }

  private static final String JSON_1_1 = BodyEncoding.JSON.contentType();
  private static final String CBOR_1_1 = BodyEncoding.CBOR.contentType();
  private static final String PLAIN_JSON = "application/json";

  /**
   * Checks a request in the order Kinesis does, and parses and checks its body: the method (not
   * POST: AccessDeniedException in XML, 403); an empty body (a bare SerializationException, or
   * UnknownOperationException when the target names no operation); the content type (none of
   * Kinesis's: AccessDeniedException in XML without a target, else UnknownOperationException, 404;
   * {@code application/json}: the service framework's own answers); the body (not one object:
   * SerializationException); the target (UnknownOperationException); the signature; then the
   * members' types and constraints ({@link RequestShapes}).
   */
  private KinesisRequest decode(FullHttpRequest request, BodyEncoding encoding, Executor replies) {
    if (!HttpMethod.POST.equals(request.method())) {
      throw new EarlyAnswer(accessDenied());
    }
    String type = mediaType(request.headers().get(HttpHeaderNames.CONTENT_TYPE));
    String target = request.headers().get("X-Amz-Target");
    String service = null;
    String operation = null;
    if (target != null) {
      String[] parts = target.split("\\.", -1);
      service = parts[0].isEmpty() ? null : parts[0];
      operation = parts.length < 2 || parts[1].isEmpty() ? null : parts[1];
    }
    boolean known =
        TARGET_PREFIX.equals(service + ".")
            && operation != null
            && (handlers.containsKey(operation) || streaming.containsKey(operation));
    if (request.content().readableBytes() == 0) {
      BodyEncoding answerIn = JSON_1_1.equals(type) ? BodyEncoding.JSON : BodyEncoding.CBOR;
      throw new EarlyAnswer(
          error(
              answerIn,
              known
                  ? KinesisException.serialization(null)
                  : KinesisException.unknownOperation(null)));
    }
    if (!JSON_1_1.equals(type) && !CBOR_1_1.equals(type) && !PLAIN_JSON.equals(type)) {
      throw new EarlyAnswer(
          service == null || operation == null
              ? accessDenied()
              : xml(HttpResponseStatus.NOT_FOUND, "<UnknownOperationException/>\n"));
    }
    if (PLAIN_JSON.equals(type)) {
      // The service framework answers plain JSON itself and never reaches the operation.
      boolean parses;
      try {
        BodyEncoding.JSON.parse(
            new ByteBufInputStream(request.content().duplicate()),
            request.content().readableBytes());
        parses = true;
      } catch (KinesisException e) {
        parses = false;
      }
      throw new EarlyAnswer(
          coralJson(
              parses ? HttpResponseStatus.NOT_FOUND : HttpResponseStatus.BAD_REQUEST,
              parses ? "UnknownOperationException" : "SerializationException"));
    }
    JsonNode body =
        encoding.parse(
            new ByteBufInputStream(request.content().duplicate()),
            request.content().readableBytes());
    if (!known) {
      throw KinesisException.unknownOperation(null);
    }
    if (signatures != null) {
      signatures.verify(request, clock.getAsLong());
    }
    RequestShapes.Struct input = RequestShapes.input(operation);
    if (input != null) {
      RequestShapes.check((ObjectNode) body, input, encoding);
    }
    return new KinesisRequest(operation, body, encoding, replies);
  }

  /** The media type of a Content-Type, without parameters, in lower case; "" when absent. */
  private static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
        .trim()
        .toLowerCase(java.util.Locale.ROOT);
  }

  /** Kinesis's answer to a request it cannot attribute to an operation, such as a GET. */
  private static FullHttpResponse accessDenied() {
    return xml(
        HttpResponseStatus.FORBIDDEN,
        "<AccessDeniedException>\n"
            + "  <Message>Unable to determine service/operation name to be authorized</Message>\n"
            + "</AccessDeniedException>\n");
  }

  private static FullHttpResponse xml(HttpResponseStatus status, String body) {
    byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    FullHttpResponse r =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    identify(r.headers());
    return r;
  }

  /** The service framework's own JSON answer to {@code application/json} requests. */
  private static FullHttpResponse coralJson(HttpResponseStatus status, String type) {
    ObjectNode body = BodyEncoding.JSON.mapper().createObjectNode();
    body.putObject("Output").put("__type", "com.amazon.coral.service#" + type);
    body.put("Version", "1.0");
    byte[] bytes = BodyEncoding.JSON.write(body);
    FullHttpResponse r =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
    r.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, PLAIN_JSON)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    identify(r.headers());
    return r;
  }

  /**
   * The operation a request names, for metrics: the handler's own constant name, or {@code Unknown}
   * when the target is missing or names no operation (so no client can grow the label set).
   */
  public String operationOf(FullHttpRequest request) {
    return operationOf(request.headers());
  }

  /** As {@link #operationOf(FullHttpRequest)}, from the request's headers alone. */
  public String operationOf(HttpHeaders headers) {
    String target = headers.get("X-Amz-Target");
    if (target == null || !target.startsWith(TARGET_PREFIX)) {
      return UNKNOWN_OPERATION;
    }
    String name = target.substring(TARGET_PREFIX.length());
    OperationHandler h = handlers.get(name);
    if (h != null) {
      return h.operation();
    }
    StreamingOperation s = streaming.get(name);
    return s != null ? s.operation() : UNKNOWN_OPERATION;
  }

  /** Whether the request names an operation answered with an event stream ({@link #openStream}). */
  public boolean isStreaming(FullHttpRequest request) {
    if (Cors.isPreflight(request.method(), request.headers())) {
      return false;
    }
    String target = request.headers().get("X-Amz-Target");
    return target != null
        && target.startsWith(TARGET_PREFIX)
        && streaming.containsKey(target.substring(TARGET_PREFIX.length()));
  }

  /** An event stream to start, or the error response to send instead. */
  public record Opened(EventStream stream, FullHttpResponse error) {}

  /**
   * Opens an event-stream operation; the body is read before this returns. The future never fails.
   */
  public CompletableFuture<Opened> openStream(FullHttpRequest request) {
    BodyEncoding encoding = encoding(request);
    requests.get(encoding).increment();
    CompletableFuture<EventStream> result;
    try {
      KinesisRequest decoded = decode(request, encoding, Runnable::run);
      result = streaming.get(decoded.operation()).open(decoded);
    } catch (Throwable t) {
      result = CompletableFuture.failedFuture(t);
    }
    HttpHeaders asked = request.headers();
    return result.handle(
        (stream, err) -> {
          if (err == null) {
            return new Opened(stream, null);
          }
          FullHttpResponse r = error(encoding, err);
          Cors.decorate(asked, r.headers());
          return new Opened(null, r);
        });
  }

  /** The 200 response headers of an event stream answering a request with {@code asked}. */
  public static HttpResponse eventStreamHeaders(HttpHeaders asked) {
    HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/vnd.amazon.eventstream");
    identify(r.headers());
    Cors.decorate(asked, r.headers());
    return r;
  }

  private static FullHttpResponse ok(BodyEncoding encoding, ObjectNode node) {
    return response(HttpResponseStatus.OK, encoding, encoding.write(node), null);
  }

  static FullHttpResponse error(BodyEncoding encoding, Throwable err) {
    if (err instanceof EarlyAnswer early) {
      return early.response;
    }
    if (err instanceof CompletionException c && c.getCause() instanceof EarlyAnswer early) {
      return early.response;
    }
    KinesisException k = toKinesis(err);
    ObjectNode body = encoding.mapper().createObjectNode();
    body.put("__type", k.errorType());
    if (k.getMessage() != null) {
      // Kinesis spells it "Message" in a SerializationException, "message" elsewhere.
      body.put(
          k.errorType().equals("SerializationException") ? "Message" : "message", k.getMessage());
    }
    return response(
        HttpResponseStatus.valueOf(k.status()), encoding, encoding.write(body), k.errorType());
  }

  /**
   * The 400 answered to a request that is not valid HTTP (a header with a control character, a bad
   * chunk size …), or the 413 to one whose body is over the limit; the connection closes after it.
   */
  static FullHttpResponse malformedHttp(Throwable cause) {
    if (cause instanceof TooLongHttpContentException) {
      return error(
          BodyEncoding.JSON,
          new KinesisException("SerializationException", 413, cause.getMessage()));
    }
    String detail = cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage();
    if (detail.length() > 200) {
      detail = detail.substring(0, 200) + "…";
    }
    return error(
        BodyEncoding.JSON,
        KinesisException.serialization("The request is not valid HTTP" + detail));
  }

  /** The Kinesis error a failure means; unexpected ones are InternalFailure and logged. */
  static KinesisException toKinesis(Throwable err) {
    Throwable c = err;
    while ((c instanceof CompletionException || c instanceof ExecutionException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    if (c instanceof KinesisException k) {
      return k;
    }
    var refusal = TopicStore.refusal(c);
    if (refusal.isPresent()) {
      String message = c.getMessage();
      return switch (refusal.get()) {
        case TOPIC_ALREADY_EXISTS -> KinesisException.resourceInUse(message);
        case UNKNOWN_TOPIC -> KinesisException.resourceNotFound(message);
        case INVALID_PARTITIONS -> KinesisException.limitExceeded(message);
        default -> KinesisException.invalidArgument(message);
      };
    }
    if (c instanceof LogStorageException || c instanceof LogClosedException) {
      // The server's condition (a full or failing disk, a shutdown), which may pass: AWS's
      // temporary failure, retried by clients. The cause is logged, never sent.
      LOG.warn("Kinesis request refused by storage: {}", c.toString());
      return KinesisException.serviceUnavailable(
          "The server cannot serve the request now: its storage refused it. Retry later.");
    }
    if (c instanceof LogDamagedException d) {
      LOG.warn("Kinesis request reached a damaged range: {}", d.getMessage());
      return KinesisException.internalFailure(
          "The request reached records that are damaged on the server's disk and fenced off"
              + " (log offsets "
              + d.firstOffset()
              + (d.endOffset() > d.firstOffset() ? " to " + (d.endOffset() - 1) : " on")
              + "). Retrying will not help.");
    }
    LOG.warn("Kinesis request failed unexpectedly", c);
    return KinesisException.internalFailure("Internal service failure.");
  }

  private static String requestId() {
    java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
    return new UUID(r.nextLong(), r.nextLong()).toString();
  }

  private static FullHttpResponse response(
      HttpResponseStatus status, BodyEncoding encoding, byte[] body, String errorType) {
    FullHttpResponse r =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
    r.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, encoding.contentType())
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    identify(r.headers());
    if (errorType != null) {
      r.headers().set("x-amzn-ErrorType", errorType);
    }
    return r;
  }

  /**
   * The request ids of a response, as Kinesis sends them: {@code x-amzn-RequestId} (a UUID) and
   * {@code x-amz-id-2} (72 random bytes in base64).
   */
  static void identify(HttpHeaders headers) {
    java.util.concurrent.ThreadLocalRandom random =
        java.util.concurrent.ThreadLocalRandom.current();
    byte[] id2 = new byte[72];
    random.nextBytes(id2);
    headers
        .set("x-amzn-RequestId", new UUID(random.nextLong(), random.nextLong()).toString())
        .set("x-amz-id-2", java.util.Base64.getEncoder().encodeToString(id2));
  }
}
