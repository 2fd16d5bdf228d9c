package io.watershed.fuzz.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 messages as the harness reads and writes them: requests recorded from a client's byte
 * stream (split by Content-Length or chunked framing), requests written back (with a Content-Length
 * that matches the body unless the headers say otherwise), and answers counted and read in order.
 */
public final class Http1 {
  /** One request: request line parts, headers in order, and the (de-chunked) body. */
  public record Request(
      String origin,
      String method,
      String target,
      String version,
      List<Map.Entry<String, String>> headers,
      byte[] body) {
    public String header(String name) {
      for (Map.Entry<String, String> h : headers) {
        if (h.getKey().equalsIgnoreCase(name)) {
          return h.getValue();
        }
      }
      return null;
    }

    public Request withHeaders(List<Map.Entry<String, String>> h) {
      return new Request(origin, method, target, version, h, body);
    }

    public Request withBody(byte[] b) {
      return new Request(origin, method, target, version, headers, b);
    }

    public Request withLine(String m, String t, String v) {
      return new Request(origin, m, t, v, headers, body);
    }

    /**
     * The request's bytes: its Content-Length rewritten to the body's length (unless {@code
     * keepLength}, for a mutation that set its own), or the body chunked when the headers ask for
     * it.
     */
    public byte[] bytes(boolean keepLength) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 512);
      out.writeBytes(
          (method + " " + target + (version.isEmpty() ? "" : " " + version) + "\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      boolean chunked = "chunked".equalsIgnoreCase(header("transfer-encoding"));
      boolean wroteLength = false;
      for (Map.Entry<String, String> h : headers) {
        if (h.getKey().equalsIgnoreCase("content-length") && !keepLength) {
          if (wroteLength || chunked) {
            continue;
          }
          wroteLength = true;
          out.writeBytes(
              ("Content-Length: " + body.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
          continue;
        }
        out.writeBytes(
            (h.getKey() + ": " + h.getValue() + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      }
      if (!wroteLength && !chunked && !keepLength && body.length > 0) {
        out.writeBytes(
            ("Content-Length: " + body.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      }
      out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
      if (chunked) {
        if (body.length > 0) {
          out.writeBytes(
              (Integer.toHexString(body.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
          out.writeBytes(body);
          out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      } else {
        out.writeBytes(body);
      }
      return out.toByteArray();
    }
  }

  private Http1() {}

  /** The requests of a recorded client connection, as far as they are whole. */
  public static List<Request> requests(String name, byte[] bytes) {
    List<Request> out = new ArrayList<>();
    int at = 0;
    for (int n = 0; n < 10_000 && at < bytes.length; n++) {
      Parsed p = parseOne(name + "#" + n, bytes, at);
      if (p == null) {
        break;
      }
      out.add(p.request());
      at = p.end();
    }
    return out;
  }

  /** One request read from {@code at}, and where it ends. */
  public record Parsed(Request request, int end) {}

  /** The request at {@code at}, or null when it is not whole there. */
  public static Parsed parseOne(String origin, byte[] bytes, int at) {
    int headEnd = indexOf(bytes, at, "\r\n\r\n");
    if (headEnd < 0) {
      return null;
    }
    String head = new String(bytes, at, headEnd - at, StandardCharsets.ISO_8859_1);
    String[] lines = head.split("\r\n");
    String[] line = lines[0].split(" ", 3);
    if (line.length < 3) {
      return null;
    }
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.add(
            Map.entry(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim()));
      }
    }
    Request partial = new Request(origin, line[0], line[1], line[2], headers, new byte[0]);
    Body body =
        body(
            bytes,
            headEnd + 4,
            bytes.length,
            partial.header("content-length"),
            partial.header("transfer-encoding"),
            false);
    return body == null ? null : new Parsed(partial.withBody(body.content()), body.end());
  }

  /** A message body and where the message ends. */
  record Body(byte[] content, int end) {}

  /** Reads a body by its framing; null when it is not all there. */
  static Body body(
      byte[] b,
      int start,
      int length,
      String contentLength,
      String transferEncoding,
      boolean untilClose) {
    if (transferEncoding != null && transferEncoding.toLowerCase(Locale.ROOT).contains("chunked")) {
      ByteArrayOutputStream content = new ByteArrayOutputStream();
      int at = start;
      for (int i = 0; i < 100_000; i++) {
        int lineEnd = indexOf(b, at, "\r\n", length);
        if (lineEnd < 0) {
          return null;
        }
        String sizeText = new String(b, at, lineEnd - at, StandardCharsets.ISO_8859_1);
        int semi = sizeText.indexOf(';');
        long size;
        try {
          size = Long.parseLong((semi < 0 ? sizeText : sizeText.substring(0, semi)).trim(), 16);
        } catch (NumberFormatException e) {
          return null;
        }
        at = lineEnd + 2;
        if (size == 0) {
          int trailerEnd = indexOf(b, at, "\r\n", length);
          for (int t = 0; t < 100 && trailerEnd > at; t++) {
            at = trailerEnd + 2;
            trailerEnd = indexOf(b, at, "\r\n", length);
          }
          return trailerEnd < 0 ? null : new Body(content.toByteArray(), trailerEnd + 2);
        }
        if (size < 0 || at + size + 2 > length) {
          return null;
        }
        content.write(b, at, (int) size);
        at += (int) size + 2;
      }
      return null;
    }
    if (contentLength != null) {
      long n;
      try {
        n = Long.parseLong(contentLength.trim());
      } catch (NumberFormatException e) {
        return null;
      }
      if (n < 0 || start + n > length) {
        return null;
      }
      byte[] content = new byte[(int) n];
      System.arraycopy(b, start, content, 0, (int) n);
      return new Body(content, start + (int) n);
    }
    if (untilClose) {
      byte[] content = new byte[length - start];
      System.arraycopy(b, start, content, 0, content.length);
      return new Body(content, length);
    }
    return new Body(new byte[0], start);
  }

  /** One answer: its status, headers and body; {@code streaming} when its body never ends. */
  public record Response(
      int status, List<Map.Entry<String, String>> headers, byte[] body, boolean streaming) {
    public String header(String name) {
      for (Map.Entry<String, String> h : headers) {
        if (h.getKey().equalsIgnoreCase(name)) {
          return h.getValue();
        }
      }
      return null;
    }
  }

  /**
   * The complete answers in what was received, in order. An event stream's answer (Kinesis
   * SubscribeToShard) counts once its head is in, as its body does not end.
   */
  public static List<Response> responses(byte[] b, int length, boolean closed) {
    return responses(b, length, closed, List.of());
  }

  /**
   * As {@link #responses(byte[], int, boolean)}, knowing the methods of the requests answered in
   * order: the answer to a HEAD has a Content-Length but no body.
   */
  public static List<Response> responses(
      byte[] b, int length, boolean closed, List<String> methods) {
    List<Response> out = new ArrayList<>();
    int at = 0;
    for (int n = 0; n < 10_000 && at < length; n++) {
      int headEnd = indexOf(b, at, "\r\n\r\n", length);
      if (headEnd < 0) {
        break;
      }
      String[] lines = new String(b, at, headEnd - at, StandardCharsets.ISO_8859_1).split("\r\n");
      String[] status = lines[0].split(" ", 3);
      int code;
      try {
        code = Integer.parseInt(status.length > 1 ? status[1] : "");
      } catch (NumberFormatException e) {
        break;
      }
      List<Map.Entry<String, String>> headers = new ArrayList<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          headers.add(
              Map.entry(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim()));
        }
      }
      String type = header(headers, "content-type");
      if (type != null && type.contains("eventstream")) {
        out.add(new Response(code, headers, new byte[0], true));
        break;
      }
      boolean head = out.size() < methods.size() && methods.get(out.size()).equals("HEAD");
      boolean noBody = head || code == 204 || code == 304 || (code >= 100 && code < 200);
      Body body =
          noBody
              ? new Body(new byte[0], headEnd + 4)
              : body(
                  b,
                  headEnd + 4,
                  length,
                  header(headers, "content-length"),
                  header(headers, "transfer-encoding"),
                  closed);
      if (body == null) {
        break;
      }
      out.add(new Response(code, headers, body.content(), false));
      at = body.end();
    }
    return out;
  }

  private static String header(List<Map.Entry<String, String>> headers, String name) {
    for (Map.Entry<String, String> h : headers) {
      if (h.getKey().equalsIgnoreCase(name)) {
        return h.getValue();
      }
    }
    return null;
  }

  static int indexOf(byte[] b, int from, String what) {
    return indexOf(b, from, what, b.length);
  }

  static int indexOf(byte[] b, int from, String what, int length) {
    byte[] w = what.getBytes(StandardCharsets.ISO_8859_1);
    for (int i = from; i + w.length <= length; i++) {
      boolean match = true;
      for (int j = 0; j < w.length && match; j++) {
        match = b[i + j] == w[j];
      }
      if (match) {
        return i;
      }
    }
    return -1;
  }
}
