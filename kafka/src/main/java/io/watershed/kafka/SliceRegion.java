package io.watershed.kafka;

import io.netty.channel.DefaultFileRegion;
import io.watershed.log.LogSlice;

/**
 * A range of a segment file that Netty sends with {@code sendfile}. Netty's native transports only
 * use {@code sendfile} for {@link DefaultFileRegion}; unlike it, this region does not close the
 * file when released (the file is shared and pooled) but releases its lease on it.
 */
final class SliceRegion extends DefaultFileRegion {
  private final LogSlice slice;

  SliceRegion(LogSlice slice, long offsetInSlice, long count) {
    super(slice.channel(), slice.position() + offsetInSlice, count);
    this.slice = slice;
  }

  @Override
  protected void deallocate() {
    slice.close();
  }
}
