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
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.network.ClientInformation;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.network.Send;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
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
 * <p>Bad input never closes the connection: an API or version this broker does not serve gets
 * {@code UNSUPPORTED_VERSION}; a body that does not parse gets {@code INVALID_REQUEST} where a
 * response can be built. Only a frame whose header cannot be read at all is answered with a bare
 * error and dropped. Runs on the connection's event loop.
 */
final class KafkaConnection extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaConnection.class);
  private static final ListenerName LISTENER = new ListenerName("PLAINTEXT");

  /** A request whose response is not yet written. */
  private static final class Slot {
    final ByteBuf frame;
    RequestContext context;
    AbstractRequest request;
    boolean done;
    Send send; // null when nothing is to be written (acks=0)
    ByteBuf raw; // a bare error response, for a request no schema can answer
    final long receivedNanos = System.nanoTime();
    String api = "Unknown"; // the API key's name once the header is read, for request metrics
    boolean failed;
    boolean closeAfter; // close the connection instead of answering (a failed acks=0 Produce)

    Slot(ByteBuf frame) {
      this.frame = frame;
    }
  }

  private final KafkaBroker broker;
  private final ArrayDeque<Slot> pending = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private String connectionId;
  private boolean closing; // a CloseConnection was reached: nothing more is read or answered

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
      LOG.warn("{}: cannot serve request: {}", connectionId, e.toString());
      complete(slot, null);
    }
  }

  private void dispatch(Slot slot) {
    ByteBuffer buffer = slot.frame.nioBuffer();
    RequestHeader header;
    try {
      header = RequestHeader.parse(buffer);
    } catch (RuntimeException e) {
      // An API key this codec does not know, or a header that does not parse: the frame length
      // kept the stream in step, so answer with the bare error and go on.
      LOG.debug("{}: unreadable request header: {}", connectionId, e.toString());
      answerRaw(slot, Errors.UNSUPPORTED_VERSION);
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
    if (api != ApiKeys.API_VERSIONS && !header.isApiVersionSupported()) {
      // A version the codec cannot parse (older or newer than it knows): no schema to answer
      // with, so the bare error. ApiVersions is parsed as v0 instead (KIP-511).
      answerRaw(slot, Errors.UNSUPPORTED_VERSION);
      return;
    }
    ApiHandler handler = broker.registry().handler(api, header.apiVersion());
    if (handler == null && api == ApiKeys.API_VERSIONS) {
      // KIP-511: an ApiVersions version this broker does not know is parsed as v0 and answered
      // by the ApiVersions handler, which reports UNSUPPORTED_VERSION with its own versions.
      handler = broker.registry().handler(api, api.oldestVersion());
    }
    // Not served: UNSUPPORTED_VERSION whatever the body holds, so the answer says what matters.
    Errors parseFailure = handler == null ? Errors.UNSUPPORTED_VERSION : Errors.INVALID_REQUEST;
    try {
      slot.request = context.parseRequest(buffer).request;
    } catch (RuntimeException e) {
      LOG.debug("{}: unparseable {} v{}: {}", connectionId, api, header.apiVersion(), e.toString());
      AbstractRequest empty = EmptyRequests.of(api, header.apiVersion());
      if (empty == null) {
        answerRaw(slot, parseFailure);
      } else {
        slot.request = empty;
        fail(
            slot,
            handler == null
                ? unsupported(api, header.apiVersion())
                : new InvalidRequestException("malformed " + api + " request: " + e.getMessage()));
      }
      return;
    }
    if (handler == null) {
      fail(slot, unsupported(api, header.apiVersion()));
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

  private static UnsupportedVersionException unsupported(ApiKeys api, short version) {
    return new UnsupportedVersionException(api + " v" + version + " is not supported");
  }

  private void respond(Slot slot, AbstractResponse response, Throwable error) {
    if (KafkaErrors.unwrap(error) instanceof CloseConnection close) {
      LOG.info("{}: closing the connection: {}", connectionId, close.getMessage());
      slot.closeAfter = true;
      complete(slot, null);
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
      LOG.error("{}: cannot encode an error response: {}", connectionId, e.toString());
      answerRaw(slot, Errors.UNKNOWN_SERVER_ERROR);
    }
  }

  /** Answers with a response header and a bare error code, for requests no schema can answer. */
  private void answerRaw(Slot slot, Errors error) {
    ByteBuffer frame = slot.frame.nioBuffer();
    int correlationId = frame.remaining() >= 8 ? frame.getInt(4) : -1;
    ByteBuf out = ctx.alloc().buffer(10);
    out.writeInt(6).writeInt(correlationId).writeShort(error.code());
    slot.raw = out;
    slot.failed = true;
    slot.done = true;
    drain();
  }

  private void complete(Slot slot, Send send) {
    slot.send = send;
    slot.done = true;
    drain();
  }

  /** Writes every finished response at the head of the queue, in order. */
  private void drain() {
    boolean wrote = false;
    while (!pending.isEmpty() && pending.peekFirst().done) {
      Slot slot = pending.pollFirst();
      broker
          .requestObserver()
          .completed(slot.api, System.nanoTime() - slot.receivedNanos, slot.failed);
      if (slot.closeAfter) {
        // Everything before it is written; nothing after it is answered.
        slot.frame.release();
        closing = true;
        ctx.channel().config().setAutoRead(false);
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        return;
      }
      if (slot.raw != null) {
        ctx.write(slot.raw, ctx.voidPromise());
        wrote = true;
      } else if (slot.send != null) {
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
    if (!ctx.channel().config().isAutoRead()
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
      if (s.raw != null && s.raw.refCnt() > 0) {
        s.raw.release();
      }
    }
    pending.clear();
  }
}
