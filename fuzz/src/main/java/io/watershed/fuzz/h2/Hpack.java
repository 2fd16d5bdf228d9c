package io.watershed.fuzz.h2;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * HPACK (RFC 7541) as the harness needs it: header blocks are written as literals without indexing
 * and without Huffman coding, so that every request stream stands alone (any order, any
 * connection); blocks a peer wrote are read with Netty's decoder, one per connection direction.
 */
public final class Hpack {
  private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false, false);

  /** Decodes one complete header block; null when it does not decode. */
  public List<Map.Entry<String, String>> decode(int streamId, byte[] block) {
    try {
      Http2Headers h = decoder.decodeHeaders(streamId, Unpooled.wrappedBuffer(block));
      List<Map.Entry<String, String>> out = new ArrayList<>();
      h.forEach(e -> out.add(Map.entry(e.getKey().toString(), e.getValue().toString())));
      return out;
    } catch (Http2Exception | RuntimeException e) {
      return null;
    }
  }

  /** A header block of literal fields without indexing (§6.2.2), names and values as given. */
  public static byte[] encode(List<Map.Entry<String, String>> headers) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Map.Entry<String, String> h : headers) {
      out.write(0);
      string(out, h.getKey().getBytes(StandardCharsets.ISO_8859_1));
      string(out, h.getValue().getBytes(StandardCharsets.ISO_8859_1));
    }
    return out.toByteArray();
  }

  private static void string(ByteArrayOutputStream out, byte[] s) {
    integer(out, s.length, 7, 0);
    out.writeBytes(s);
  }

  /** An HPACK integer with an {@code n}-bit prefix (§5.1). */
  static void integer(ByteArrayOutputStream out, int value, int n, int firstBits) {
    int max = (1 << n) - 1;
    if (value < max) {
      out.write(firstBits | value);
      return;
    }
    out.write(firstBits | max);
    int rest = value - max;
    for (int i = 0; i < 5 && rest >= 128; i++) {
      out.write((rest & 0x7f) | 0x80);
      rest >>>= 7;
    }
    out.write(rest);
  }
}
