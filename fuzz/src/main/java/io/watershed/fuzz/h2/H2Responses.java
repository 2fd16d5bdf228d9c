package io.watershed.fuzz.h2;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What a server sent on an HTTP/2 connection, per stream. */
public final class H2Responses {
  /** One stream's answer: header blocks in order (headers, then trailers), data, how it ended. */
  public static final class Stream {
    public final List<List<Map.Entry<String, String>>> headerBlocks = new ArrayList<>();
    public final ByteArrayOutputStream data = new ByteArrayOutputStream();
    public boolean ended;
    public boolean reset;

    /** The value of a header in any block (a trailer included), the last one wins. */
    public String header(String name) {
      String v = null;
      for (List<Map.Entry<String, String>> b : headerBlocks) {
        for (Map.Entry<String, String> h : b) {
          if (h.getKey().equalsIgnoreCase(name)) {
            v = h.getValue();
          }
        }
      }
      return v;
    }
  }

  public final Map<Integer, Stream> streams = new HashMap<>();
  public boolean goAway;

  /**
   * Counts the streams of {@code expected} that ended or were reset; all of them after a GOAWAY.
   */
  public static int completed(byte[] received, int length, Set<Integer> expected) {
    int n = 0;
    java.util.Set<Integer> done = new java.util.HashSet<>();
    int p = 0;
    while (p + 9 <= length) {
      int len =
          ((received[p] & 0xff) << 16) | ((received[p + 1] & 0xff) << 8) | (received[p + 2] & 0xff);
      if (p + 9 + len > length) {
        break;
      }
      int type = received[p + 3] & 0xff;
      int flags = received[p + 4] & 0xff;
      int stream =
          ((received[p + 5] & 0x7f) << 24)
              | ((received[p + 6] & 0xff) << 16)
              | ((received[p + 7] & 0xff) << 8)
              | (received[p + 8] & 0xff);
      if (type == H2Frame.GOAWAY) {
        return expected.size();
      }
      boolean ends =
          type == H2Frame.RST_STREAM
              || ((type == H2Frame.DATA || type == H2Frame.HEADERS)
                  && (flags & H2Frame.END_STREAM) != 0);
      if (ends && expected.contains(stream) && done.add(stream)) {
        n++;
      }
      p += 9 + len;
    }
    return n;
  }

  /** Parses everything received, decoding header blocks in order. */
  public static H2Responses parse(byte[] received) {
    H2Responses out = new H2Responses();
    Hpack hpack = new Hpack();
    ByteArrayOutputStream block = null;
    int blockStream = 0;
    boolean blockEnds = false;
    for (H2Frame f : H2Frame.parse(received, 0, received.length)) {
      Stream s =
          f.streamId() == 0 ? null : out.streams.computeIfAbsent(f.streamId(), k -> new Stream());
      switch (f.type()) {
        case H2Frame.HEADERS, H2Frame.CONTINUATION -> {
          if (f.type() == H2Frame.HEADERS) {
            block = new ByteArrayOutputStream();
            blockStream = f.streamId();
            blockEnds = f.has(H2Frame.END_STREAM);
            byte[] c = f.content();
            if (c != null) {
              block.writeBytes(c);
            }
          } else if (block != null) {
            block.writeBytes(f.payload());
          }
          if (block != null && f.has(H2Frame.END_HEADERS)) {
            List<Map.Entry<String, String>> h = hpack.decode(blockStream, block.toByteArray());
            Stream target = out.streams.computeIfAbsent(blockStream, k -> new Stream());
            if (h != null) {
              target.headerBlocks.add(h);
            }
            target.ended |= blockEnds;
            block = null;
          }
        }
        case H2Frame.DATA -> {
          byte[] c = f.content();
          if (s != null && c != null) {
            s.data.writeBytes(c);
          }
          if (s != null && f.has(H2Frame.END_STREAM)) {
            s.ended = true;
          }
        }
        case H2Frame.RST_STREAM -> {
          if (s != null) {
            s.reset = true;
          }
        }
        case H2Frame.GOAWAY -> out.goAway = true;
        default -> {
          // SETTINGS, PING, WINDOW_UPDATE: nothing an oracle reads.
        }
      }
    }
    return out;
  }
}
