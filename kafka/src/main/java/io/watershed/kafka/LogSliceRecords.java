package io.watershed.kafka;

import io.watershed.log.LogSlice;
import java.io.IOException;
import org.apache.kafka.common.network.TransferableChannel;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.RecordsSend;

/**
 * Records of a fetch response served straight from a segment file: the slice's bytes are never read
 * into the JVM but sent with {@code sendfile}. Owns the slice: it is closed when Netty has sent (or
 * dropped) the region.
 */
public final class LogSliceRecords implements BaseRecords {
  private final LogSlice slice;

  public LogSliceRecords(LogSlice slice) {
    this.slice = slice;
  }

  @Override
  public int sizeInBytes() {
    return slice.size();
  }

  @Override
  public RecordsSend<LogSliceRecords> toSend() {
    return new RecordsSend<>(this, slice.size()) {
      @Override
      protected int writeTo(TransferableChannel channel, int previouslyWritten, int remaining)
          throws IOException {
        if (channel instanceof SendSink sink) {
          sink.add(new SliceRegion(slice, previouslyWritten, remaining));
          return remaining;
        }
        return (int)
            channel.transferFrom(slice.channel(), slice.position() + previouslyWritten, remaining);
      }
    };
  }
}
