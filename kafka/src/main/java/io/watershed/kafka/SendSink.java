package io.watershed.kafka;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.network.Send;
import org.apache.kafka.common.network.TransferableChannel;

/**
 * Turns a Kafka {@link Send} into Netty writes without copying: byte buffers are wrapped, and file
 * ranges (records served from segment files) become {@link SliceRegion}s that Netty sends with
 * {@code sendfile}.
 *
 * <p>The sink accepts everything at once, so {@link Send#writeTo} completes in one call. Used on
 * the connection's event loop only.
 */
final class SendSink implements TransferableChannel {
  private final List<Object> parts = new ArrayList<>();
  private boolean open = true;

  /** Adds a file region; Netty sends it with sendfile and releases it when done. */
  void add(SliceRegion region) {
    parts.add(region);
  }

  /** Collects {@code send} and writes its parts to {@code ctx}; the promise is the last write's. */
  static void write(ChannelHandlerContext ctx, Send send, ChannelPromise promise)
      throws IOException {
    SendSink sink = new SendSink();
    while (!send.completed()) {
      send.writeTo(sink);
    }
    for (int i = 0; i < sink.parts.size(); i++) {
      Object part = sink.parts.get(i);
      if (i == sink.parts.size() - 1) {
        ctx.write(part, promise);
      } else {
        ctx.write(part, ctx.voidPromise());
      }
    }
  }

  @Override
  public boolean hasPendingWrites() {
    return false;
  }

  /**
   * Not used: {@link LogSliceRecords} hands its file ranges over as {@link SliceRegion}s, which own
   * the lease on the segment file; a bare channel range would have no owner.
   */
  @Override
  public long transferFrom(FileChannel fileChannel, long position, long count) {
    throw new UnsupportedOperationException("file ranges arrive as SliceRegions");
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) {
    long n = 0;
    for (int i = offset; i < offset + length; i++) {
      n += write(srcs[i]);
    }
    return n;
  }

  @Override
  public long write(ByteBuffer[] srcs) {
    return write(srcs, 0, srcs.length);
  }

  @Override
  public int write(ByteBuffer src) {
    int n = src.remaining();
    if (n > 0) {
      ByteBuf b = Unpooled.wrappedBuffer(src.slice());
      src.position(src.limit());
      parts.add(b);
    }
    return n;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    open = false;
  }
}
