package io.watershed.fuzz.h2;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One request stream a client opened: its header list, the bytes of its DATA frames, and whether it
 * ended its side (END_STREAM). Read from a recorded HTTP/2 connection, headers decoded in
 * connection order so that HPACK's dynamic table is what the client meant.
 */
public record H2Request(
    String origin, List<Map.Entry<String, String>> headers, byte[] body, boolean ended) {
  public String header(String name) {
    for (Map.Entry<String, String> h : headers) {
      if (h.getKey().equalsIgnoreCase(name)) {
        return h.getValue();
      }
    }
    return null;
  }

  public H2Request withHeaders(List<Map.Entry<String, String>> h) {
    return new H2Request(origin, h, body, ended);
  }

  public H2Request withBody(byte[] b) {
    return new H2Request(origin, headers, b, ended);
  }

  /** The request streams of a recorded client connection (preface first), in order of opening. */
  public static List<H2Request> fromConnection(String name, byte[] bytes) {
    int at = bytes.length >= H2Frame.PREFACE.length ? H2Frame.PREFACE.length : 0;
    Hpack hpack = new Hpack();
    Map<Integer, List<Map.Entry<String, String>>> headers = new HashMap<>();
    Map<Integer, ByteArrayOutputStream> bodies = new HashMap<>();
    Map<Integer, Boolean> ended = new HashMap<>();
    List<Integer> order = new ArrayList<>();
    ByteArrayOutputStream block = null;
    int blockStream = 0;
    boolean blockEnds = false;
    for (H2Frame f : H2Frame.parse(bytes, at, bytes.length)) {
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
            if (h != null && !headers.containsKey(blockStream)) {
              headers.put(blockStream, h);
              order.add(blockStream);
              bodies.put(blockStream, new ByteArrayOutputStream());
            }
            if (blockEnds) {
              ended.put(blockStream, true);
            }
            block = null;
          }
        }
        case H2Frame.DATA -> {
          ByteArrayOutputStream b = bodies.get(f.streamId());
          byte[] c = f.content();
          if (b != null && c != null) {
            b.writeBytes(c);
          }
          if (f.has(H2Frame.END_STREAM)) {
            ended.put(f.streamId(), true);
          }
        }
        default -> {
          // Connection-level frames are the harness's own when it replays (its SETTINGS, a large
          // window); the client's are not kept.
        }
      }
    }
    List<H2Request> out = new ArrayList<>();
    for (int id : order) {
      out.add(
          new H2Request(
              name + "#" + id,
              headers.get(id),
              bodies.get(id).toByteArray(),
              ended.getOrDefault(id, false)));
    }
    return out;
  }
}
