package io.watershed.kafka;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.network.ClientInformation;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.network.Send;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestContext;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: decodes request frames, dispatches them to their handlers, and writes the
 * responses in request order, as Kafka requires, although handlers may finish out of order.
 *
 * <p>Requests are pipelined: up to {@code maxInFlightPerConnection} are handled at once, then
 * reading pauses until responses go out. Every request frame stays referenced until its response is
 * written and until its handler has completed (whichever is later), because parsed requests
 * (Produce records) point into it and the log writes Produce batches from it.
 *
 * <p>A request that cannot be served at all closes its own connection, as Kafka's broker closes it:
 * a header that cannot be read (an unknown API key, a frame cut short), an API or version this
 * broker does not advertise, a body that does not parse. The answers to the requests before it are
 * written first; nothing after it is read. Errors a handler reports are answered with the request's
 * own error response. Runs on the connection's event loop.
 */
final class KafkaConnection extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaConnection.class);
  private static final ListenerName LISTENER = new ListenerName("PLAINTEXT");
  private static final ThrottledLog BAD_REQUESTS = new ThrottledLog(LOG);

  /** A request whose response is not yet written. */
  private static final class Slot {
    final ByteBuf frame;
    RequestContext context;
    AbstractRequest request;
    boolean done;
    Send send; // null when nothing is to be written (acks=0)
    final long receivedNanos = System.nanoTime();
    String api = "Unknown"; // the API key's name once the header is read, for request metrics
    boolean failed;
    // Close the connection instead of answering: a failed acks=0 Produce, or a request that
    // cannot be served at all (Kafka's answer to a request that does not parse).
    boolean closeAfter;

    Slot(ByteBuf frame) {
      this.frame = frame;
    }
  }

  private final KafkaBroker broker;
  private final ArrayDeque<Slot> pending = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private String connectionId;
  // The connection is to close once the answers before the closing request are written: nothing
  // more is read, and nothing after that request is answered.
  private boolean closing;
  private boolean closed; // the closing request reached the head of the queue: nothing is written

  KafkaConnection(KafkaBroker broker) {
    this.broker = broker;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    this.ctx = ctx;
    this.connectionId = ctx.channel().localAddress() + "-" + ctx.channel().remoteAddress();
    broker.connectionOpened();
    super.channelActive(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    broker.connectionClosed();
    super.channelInactive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf frame = (ByteBuf) msg;
    if (closing) {
      frame.release(); // read before the close took effect; the client will retry it
      return;
    }
    Slot slot = new Slot(frame);
    pending.addLast(slot);
    if (pending.size() >= broker.config().maxInFlightPerConnection()) {
      ctx.channel().config().setAutoRead(false);
    }
    try {
      dispatch(slot);
    } catch (RuntimeException e) {
      // A bug of this broker, not the client's doing; the client would wait forever for an
      // answer that never comes, so close.
      LOG.warn("{}: cannot serve request: {}", connectionId, e.toString());
      closeInsteadOfAnswering(slot);
    }
  }

  private void dispatch(Slot slot) {
    ByteBuffer buffer = slot.frame.nioBuffer();
    RequestHeader header;
    try {
      header = RequestHeader.parse(buffer);
    } catch (RuntimeException e) {
      // An API key no schema knows, or a header cut short: Kafka closes the connection.
      reject(slot, "unreadable request header: " + e.getMessage());
      return;
    }
    InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
    RequestContext context =
        new RequestContext(
            header,
            connectionId,
            remote.getAddress(),
            KafkaPrincipal.ANONYMOUS,
            LISTENER,
            SecurityProtocol.PLAINTEXT,
            ClientInformation.EMPTY,
            false);
    slot.context = context;
    ApiKeys api = header.apiKey();
    slot.api = api.name;
    ApiHandler handler = broker.registry().handler(api, header.apiVersion());
    if (handler == null && api == ApiKeys.API_VERSIONS) {
      // KIP-511: an ApiVersions version this broker does not know is parsed as v0 and answered
      // by the ApiVersions handler, which reports UNSUPPORTED_VERSION with its own versions.
      handler = broker.registry().handler(api, api.oldestVersion());
    }
    if (handler == null) {
      // What ApiVersions does not advertise is not enabled, and Kafka closes the connection on a
      // request it has not enabled (SocketServer.parseRequestHeader): well-behaved clients never
      // send one, since they pick versions from ApiVersions.
      reject(slot, api.name + " v" + header.apiVersion() + " is not served by this broker");
      return;
    }
    try {
      slot.request = context.parseRequest(buffer).request;
    } catch (RuntimeException e) {
      // Kafka parses the body before handling it and closes the connection when that fails.
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      reject(slot, "malformed " + api.name + " v" + header.apiVersion() + " request: " + cause);
      return;
    }
    CompletableFuture<AbstractResponse> future;
    // The handler holds a reference to the frame of its own until it completes: parsed records
    // point into the frame, and a Produce's batches are written to the log straight from it, so
    // the frame must outlive the connection when the client goes away mid-request (else the pool
    // hands the memory to another request while the log writer still reads it).
    slot.frame.retain();
    try {
      future = handler.handle(new KafkaRequest(context, slot.request, ctx.executor()));
    } catch (RuntimeException e) {
      future = CompletableFuture.failedFuture(e);
    }
    future.whenComplete(
        (response, error) -> {
          slot.frame.release();
          if (ctx.executor().inEventLoop()) {
            respond(slot, response, error);
          } else {
            ctx.executor().execute(() -> respond(slot, response, error));
          }
        });
  }

  private void respond(Slot slot, AbstractResponse response, Throwable error) {
    if (KafkaErrors.unwrap(error) instanceof CloseConnection close) {
      LOG.info("{}: closing the connection: {}", connectionId, close.getMessage());
      closeInsteadOfAnswering(slot);
      return;
    }
    if (error != null) {
      fail(slot, error);
      return;
    }
    Send send;
    try {
      send = response == null ? null : slot.context.buildResponseSend(response);
    } catch (RuntimeException e) {
      // A handler bug (a field this version cannot carry): answer with the request's error
      // response rather than leave the client waiting.
      LOG.error(
          "{}: cannot encode {} response: {}",
          connectionId,
          slot.context.header.apiKey(),
          e.toString());
      fail(slot, e);
      return;
    }
    complete(slot, send);
  }

  private void fail(Slot slot, Throwable error) {
    slot.failed = true;
    try {
      AbstractResponse response =
          slot.request.getErrorResponse(0, KafkaErrors.toApiException(error));
      complete(slot, slot.context.buildResponseSend(response));
    } catch (RuntimeException e) {
      // A bug of this broker: no answer can be built, so close rather than leave the client
      // waiting for one.
      LOG.error("{}: cannot encode an error response: {}", connectionId, e.toString());
      closeInsteadOfAnswering(slot);
    }
  }

  /**
   * A request that cannot be served at all: an unreadable header, an API or version this broker
   * does not serve, a body that does not parse. Kafka closes the connection (SocketServer closes it
   * on the InvalidRequestException of RequestContext.parseRequest and RequestHeader.parse), so do
   * the same once the answers to earlier requests are written; the request counts as failed in the
   * request metrics, and as a protocol error. Logged without a stack trace, throttled: it is the
   * client's doing.
   */
  private void reject(Slot slot, String reason) {
    BAD_REQUESTS.info(connectionId + ": closing the connection: " + reason);
    broker.requestObserver().protocolError();
    slot.failed = true;
    closeInsteadOfAnswering(slot);
  }

  /**
   * Closes the connection once the answers before {@code slot} are written. Nothing more is read
   * from now on, so no request after it is served, as with Kafka, which reads one request of a
   * connection at a time.
   */
  private void closeInsteadOfAnswering(Slot slot) {
    closing = true;
    ctx.channel().config().setAutoRead(false);
    slot.closeAfter = true;
    complete(slot, null);
  }

  private void complete(Slot slot, Send send) {
    slot.send = send;
    slot.done = true;
    drain();
  }

  /** Writes every finished response at the head of the queue, in order. */
  private void drain() {
    if (closed) {
      return;
    }
    boolean wrote = false;
    while (!pending.isEmpty() && pending.peekFirst().done) {
      Slot slot = pending.pollFirst();
      broker
          .requestObserver()
          .completed(slot.api, System.nanoTime() - slot.receivedNanos, slot.failed);
      if (slot.closeAfter) {
        // Everything before it is written; nothing after it is answered.
        slot.frame.release();
        closed = true;
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        return;
      }
      if (slot.send != null) {
        try {
          SendSink.write(ctx, slot.send, ctx.voidPromise());
          wrote = true;
        } catch (Exception e) {
          LOG.warn("{}: cannot write a response: {}", connectionId, e.toString());
          ctx.close();
        }
      }
      slot.frame.release();
    }
    if (wrote) {
      ctx.flush();
    }
    if (!closing
        && !ctx.channel().config().isAutoRead()
        && pending.size() < broker.config().maxInFlightPerConnection()) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof io.netty.handler.codec.TooLongFrameException) {
      LOG.warn(
          "{}: request larger than {} bytes; closing",
          connectionId,
          broker.config().maxRequestBytes());
    } else {
      LOG.debug("{}: {}", connectionId, cause.toString());
    }
    ctx.close();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    for (Slot s : pending) {
      if (s.frame.refCnt() > 0) {
        s.frame.release();
      }
    }
    pending.clear();
  }
}
