package io.watershed.fuzz.h2;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One HTTP/2 frame (RFC 9113 §4.1): a 9-byte header — length (24 bits), type, flags, stream id (31
 * bits) — and the payload. {@code declaredLength} is what the header says, normally the payload's
 * length; a mutation may make them differ.
 */
public record H2Frame(int type, int flags, int streamId, byte[] payload, int declaredLength) {
  public static final int DATA = 0;
  public static final int HEADERS = 1;
  public static final int PRIORITY = 2;
  public static final int RST_STREAM = 3;
  public static final int SETTINGS = 4;
  public static final int PUSH_PROMISE = 5;
  public static final int PING = 6;
  public static final int GOAWAY = 7;
  public static final int WINDOW_UPDATE = 8;
  public static final int CONTINUATION = 9;

  public static final int END_STREAM = 0x1;
  public static final int ACK = 0x1;
  public static final int END_HEADERS = 0x4;
  public static final int PADDED = 0x8;
  public static final int PRIORITY_FLAG = 0x20;

  public static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  public static final int MAX_FRAME_SIZE = 16384;

  public H2Frame(int type, int flags, int streamId, byte[] payload) {
    this(type, flags, streamId, payload, payload.length);
  }

  public H2Frame withFlags(int f) {
    return new H2Frame(type, f, streamId, payload, declaredLength);
  }

  public H2Frame withStream(int id) {
    return new H2Frame(type, flags, id, payload, declaredLength);
  }

  public H2Frame withPayload(byte[] p) {
    return new H2Frame(type, flags, streamId, p, p.length);
  }

  public boolean has(int flag) {
    return (flags & flag) != 0;
  }

  public void writeTo(ByteArrayOutputStream out) {
    out.write((declaredLength >>> 16) & 0xff);
    out.write((declaredLength >>> 8) & 0xff);
    out.write(declaredLength & 0xff);
    out.write(type);
    out.write(flags);
    out.writeBytes(ByteBuffer.allocate(4).putInt(streamId).array());
    out.writeBytes(payload);
  }

  /**
   * The frames of {@code bytes} from {@code at} on, up to the first that does not fit (the rest of
   * a connection cut short is dropped).
   */
  public static List<H2Frame> parse(byte[] bytes, int at, int length) {
    List<H2Frame> out = new ArrayList<>();
    int p = at;
    while (p + 9 <= length) {
      int len = ((bytes[p] & 0xff) << 16) | ((bytes[p + 1] & 0xff) << 8) | (bytes[p + 2] & 0xff);
      if (p + 9 + len > length) {
        break;
      }
      int type = bytes[p + 3] & 0xff;
      int flags = bytes[p + 4] & 0xff;
      int stream = ByteBuffer.wrap(bytes, p + 5, 4).getInt() & 0x7fffffff;
      byte[] payload = new byte[len];
      System.arraycopy(bytes, p + 9, payload, 0, len);
      out.add(new H2Frame(type, flags, stream, payload));
      p += 9 + len;
    }
    return out;
  }

  /**
   * The header block fragment or data of a HEADERS or DATA frame: the payload without padding and
   * priority fields, or null when they do not fit.
   */
  public byte[] content() {
    int start = 0;
    int end = payload.length;
    if (has(PADDED) && (type == DATA || type == HEADERS)) {
      if (payload.length < 1) {
        return null;
      }
      start = 1;
      end -= payload[0] & 0xff;
    }
    if (type == HEADERS && has(PRIORITY_FLAG)) {
      start += 5;
    }
    if (start > end) {
      return null;
    }
    byte[] c = new byte[end - start];
    System.arraycopy(payload, start, c, 0, c.length);
    return c;
  }

  @Override
  public String toString() {
    return "frame type "
        + type
        + " flags "
        + flags
        + " stream "
        + streamId
        + " length "
        + payload.length
        + (declaredLength != payload.length ? " (declared " + declaredLength + ")" : "");
  }
}
