package io.watershed.fuzz.http;

import io.watershed.fuzz.mutate.ByteMutations;
import io.watershed.fuzz.mutate.HeaderMutations;
import io.watershed.fuzz.oracle.Ledger;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Builds an HTTP/1.1 connection from recorded requests: one, or two to five pipelined, each
 * replayed or mutated in its body (by the door), its headers, its request line (methods, versions,
 * bad percent-escapes, traversal, long targets, edge-case query values), its chunked framing, or
 * its bytes (inserted, deleted, flipped, cut, spliced).
 */
public final class HttpConnections {
  /** A door's mutation of a request body (a JSON or CBOR document …). */
  @FunctionalInterface
  public interface BodyMutator {
    byte[] mutate(Http1.Request request, SplittableRandom r);
  }

  /** A request as sent, how it was mutated, and whether its framing stayed whole. */
  public record Sent(Http1.Request request, String how, boolean framed) {}

  /** One connection's bytes and what they carried. */
  public record Built(byte[] bytes, boolean intact, List<Sent> requests) {
    /** The methods of the requests, in order, for reading their answers. */
    public List<String> methods() {
      return requests.stream().map(s -> s.request().method()).toList();
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder();
      for (Sent s : requests) {
        sb.append("  ")
            .append(s.request().method())
            .append(' ')
            .append(
                s.request().target().length() > 120
                    ? s.request().target().substring(0, 120) + "…"
                    : s.request().target())
            .append(" from ")
            .append(s.request().origin())
            .append(' ')
            .append(s.how())
            .append(s.framed() ? "" : " (framing broken)")
            .append('\n');
      }
      return sb.toString();
    }
  }

  private static final String[] METHODS = {
    "GET",
    "POST",
    "PUT",
    "DELETE",
    "PATCH",
    "HEAD",
    "OPTIONS",
    "TRACE",
    "CONNECT",
    "get",
    "G\u0000ET",
    "PRI",
    "X"
  };
  private static final String[] VERSIONS = {
    "HTTP/1.0", "HTTP/2.0", "HTTP/9.9", "", "HTTP/1.1 x", "http/1.1", "HTTP/1.1\u0000"
  };
  private static final String[] ESCAPES = {
    "%", "%z", "%zz", "%00", "%c0%ae", "%ff", "%2e%2e/", "%u0041", "%%", "%0d%0a"
  };
  private static final String[] QUERY_VALUES = {
    "-1",
    "0",
    "99999999999999999999",
    "2147483648",
    "abc",
    "",
    "%",
    "NaN",
    "1e9",
    "earliest",
    "latest",
    "\u00ff",
    "0x10",
    "-9223372036854775808",
    "base64",
    "hex",
    "json",
    "true"
  };

  private HttpConnections() {}

  public static Built build(
      List<Http1.Request> corpus, SplittableRandom r, BodyMutator bodies, List<byte[]> byteSeeds) {
    int count = r.nextInt(10) < 6 ? 1 : 2 + r.nextInt(4);
    List<Sent> sent = new ArrayList<>();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    boolean intact = true;
    for (int i = 0; i < count; i++) {
      Http1.Request req = ByteMutations.pick(corpus, r);
      String how;
      byte[] bytes;
      boolean keepLength = false;
      int roll = r.nextInt(100);
      if (roll < 20) {
        how = "replay";
      } else if (roll < 50) {
        req = req.withBody(bodies.mutate(req, r));
        how = "body";
      } else if (roll < 62) {
        req = req.withHeaders(HeaderMutations.mutate(req.headers(), r));
        keepLength = req.header("content-length") != null && !lengthMatches(req);
        how = "headers";
      } else if (roll < 75) {
        req = line(req, r);
        how = "request line";
      } else if (roll < 80) {
        req = req.withHeaders(chunked(req));
        how = "chunked";
      } else {
        how = "bytes";
      }
      if (how.equals("bytes")) {
        bytes = bytesMutation(req.bytes(false), r, byteSeeds);
        how = "bytes";
      } else if (r.nextInt(100) < 4) {
        bytes = badChunks(req, r);
        how += " + bad chunked framing";
      } else {
        bytes = req.bytes(keepLength);
      }
      boolean framed = framed(bytes, req);
      intact &= framed;
      sent.add(new Sent(req, how, framed));
      out.writeBytes(bytes);
    }
    return new Built(out.toByteArray(), intact, sent);
  }

  private static boolean lengthMatches(Http1.Request req) {
    try {
      return Long.parseLong(req.header("content-length").trim()) == req.body().length;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** Whether the bytes read back as exactly this one request (so an answer is due). */
  private static boolean framed(byte[] bytes, Http1.Request req) {
    Http1.Parsed back = Http1.parseOne("check", bytes, 0);
    return back != null
        && back.end() == bytes.length
        && java.util.Arrays.equals(back.request().body(), req.body())
        && !containsControl(bytes);
  }

  private static boolean containsControl(byte[] bytes) {
    int headEnd = Http1.indexOf(bytes, 0, "\r\n\r\n");
    for (int i = 0; i < headEnd; i++) {
      byte b = bytes[i];
      if ((b < 0x20 && b != '\r' && b != '\n' && b != '\t') || b == 0x7f) {
        return true;
      }
      if (b == '\n' && (i == 0 || bytes[i - 1] != '\r')) {
        return true;
      }
      if (b == '\r' && bytes[i + 1] != '\n') {
        return true;
      }
    }
    return false;
  }

  private static Http1.Request line(Http1.Request req, SplittableRandom r) {
    String t = req.target();
    switch (r.nextInt(7)) {
      case 0 -> {
        return req.withLine(METHODS[r.nextInt(METHODS.length)], t, req.version());
      }
      case 1 -> {
        return req.withLine(req.method(), t, VERSIONS[r.nextInt(VERSIONS.length)]);
      }
      case 2 -> {
        int at = r.nextInt(t.length() + 1);
        return req.withLine(
            req.method(),
            t.substring(0, at) + ESCAPES[r.nextInt(ESCAPES.length)] + t.substring(at),
            req.version());
      }
      case 3 -> {
        String[] odd = {
          "/../../../etc/passwd",
          "//api//v1//topics",
          "*",
          "http://example.com" + t,
          "",
          "/api/v1/" + "a".repeat(r.nextBoolean() ? 5000 : 70_000),
          t + "#frag",
          t + "/"
        };
        return req.withLine(req.method(), odd[r.nextInt(odd.length)], req.version());
      }
      default -> {
        return req.withLine(req.method(), query(t, r), req.version());
      }
    }
  }

  /** The target with one query value replaced by an edge value, or a parameter added. */
  private static String query(String target, SplittableRandom r) {
    int q = target.indexOf('?');
    String[] names = {
      "limit",
      "offset",
      "partition",
      "timestamp",
      "tail",
      "waitMs",
      "format",
      "from",
      "direction",
      "group",
      "positions",
      "next",
      "all"
    };
    String v = QUERY_VALUES[r.nextInt(QUERY_VALUES.length)];
    if (q < 0 || r.nextInt(4) == 0) {
      return target + (q < 0 ? "?" : "&") + names[r.nextInt(names.length)] + "=" + v;
    }
    String[] params = target.substring(q + 1).split("&");
    int i = r.nextInt(params.length);
    int eq = params[i].indexOf('=');
    params[i] = (eq < 0 ? params[i] : params[i].substring(0, eq)) + "=" + v;
    return target.substring(0, q + 1) + String.join("&", params);
  }

  private static List<java.util.Map.Entry<String, String>> chunked(Http1.Request req) {
    List<java.util.Map.Entry<String, String>> h = new ArrayList<>(req.headers());
    h.removeIf(e -> e.getKey().equalsIgnoreCase("content-length"));
    h.add(java.util.Map.entry("Transfer-Encoding", "chunked"));
    return h;
  }

  /** The request with a chunked body whose framing is wrong in one of several ways. */
  private static byte[] badChunks(Http1.Request req, SplittableRandom r) {
    Http1.Request c = req.withHeaders(chunked(req));
    byte[] whole = c.withBody(new byte[0]).bytes(true);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int headEnd = Http1.indexOf(whole, 0, "\r\n\r\n") + 4;
    out.write(whole, 0, headEnd);
    byte[] body = req.body().length == 0 ? "x".getBytes(StandardCharsets.US_ASCII) : req.body();
    String[] sizes = {
      "zz",
      "ffffffffffffffff",
      Integer.toHexString(body.length + 5),
      "-1",
      " " + Integer.toHexString(body.length),
      Integer.toHexString(body.length) + ";ext=\"",
      "0x10"
    };
    out.writeBytes((sizes[r.nextInt(sizes.length)] + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(body);
    if (r.nextBoolean()) {
      out.writeBytes("\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }
    return out.toByteArray();
  }

  private static byte[] bytesMutation(byte[] bytes, SplittableRandom r, List<byte[]> seeds) {
    if (r.nextInt(5) == 0) {
      return java.util.Arrays.copyOf(bytes, r.nextInt(bytes.length + 1));
    }
    return ByteMutations.mutate(bytes, 1 + r.nextInt(3), r, seeds);
  }

  /**
   * How many leading answers belong, in order, to the leading requests. The doors' own errors carry
   * a JSON body; an error without a body comes from Netty's HTTP codec or aggregator (413 for a
   * body over the limit, 400 for a head it cannot read), which answers at once. Pairing stops at
   * such an answer; a bare 413 in the place of a request of a sane size overtook the answers to the
   * requests before it (a finding), and then no answer is paired.
   */
  public static int pairable(
      Built b, List<Http1.Response> answers, int maxBody, String door, Ledger ledger) {
    int refusedRequest = -1;
    for (int i = 0; i < b.requests().size() && refusedRequest < 0; i++) {
      Sent s = b.requests().get(i);
      refusedRequest = !s.framed() || s.request().body().length > maxBody ? i : -1;
    }
    int bare = -1;
    for (int j = 0; j < answers.size() && bare < 0; j++) {
      bare = answers.get(j).status() >= 400 && answers.get(j).body().length == 0 ? j : -1;
    }
    int limit = Math.min(answers.size(), b.requests().size());
    if (refusedRequest >= 0) {
      limit = Math.min(limit, refusedRequest);
    }
    if (bare < 0) {
      return limit;
    }
    // A bare 413 answers a body over the limit (or an impossible length); any other bare refusal
    // may answer a head the codec could not read, which the framing check may have passed.
    Sent atBare = bare < b.requests().size() ? b.requests().get(bare) : null;
    boolean tooLargeElsewhere =
        answers.get(bare).status() == 413
            && atBare != null
            && atBare.framed()
            && atBare.request().body().length <= maxBody;
    if (bare != refusedRequest && bare < limit && tooLargeElsewhere) {
      ledger.finding(
          String.format(
              door
                  + ": HTTP/1.1 ANSWERS OUT OF ORDER: a bare %d (no body) came as answer %d of %d,"
                  + " ahead of answers still due to earlier requests (first refusable request: %s)",
              answers.get(bare).status(),
              bare + 1,
              b.requests().size(),
              refusedRequest < 0
                  ? "none"
                  : (refusedRequest + 1)
                      + ", body of "
                      + b.requests().get(refusedRequest).request().body().length
                      + " bytes"));
      return 0;
    }
    return Math.min(limit, bare);
  }
}
