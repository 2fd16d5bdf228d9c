package io.watershed.fuzz.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.watershed.fuzz.Corpus;
import io.watershed.fuzz.Door;
import io.watershed.fuzz.Mix;
import io.watershed.fuzz.engine.AnswerCounter;
import io.watershed.fuzz.engine.DoorFuzzer;
import io.watershed.fuzz.engine.Exchange;
import io.watershed.fuzz.engine.Plan;
import io.watershed.fuzz.http.Http1;
import io.watershed.fuzz.http.HttpConnections;
import io.watershed.fuzz.mutate.ByteMutations;
import io.watershed.fuzz.mutate.TreeMutations;
import io.watershed.fuzz.oracle.DigestKind;
import io.watershed.fuzz.oracle.Ledger;
import io.watershed.fuzz.oracle.RecordDigest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The admin HTTP API (and the console, health and metrics on the same port): units are the requests
 * {@code bin/watershed} and the console sent, mutated in their JSON bodies, headers, request lines
 * (query values at their edges, bad percent-escapes, long targets), chunked framing and bytes.
 *
 * <p>A produce ({@code POST /api/v1/topics/{t}/records}) or an event append ({@code POST
 * /api/v1/eventstore/streams/{s}}) answered with success is an acknowledgement: the values sent
 * must be at the offsets (positions) it gives after a restart. An acknowledged topic deletion or
 * configuration change excuses that topic's records.
 */
public final class AdminFuzzer implements DoorFuzzer {
  private static final String TOPICS = "/api/v1/topics/";
  private static final String STREAMS = "/api/v1/eventstore/streams/";

  /** The admin API's limit on request bodies (a larger one is refused with 413). */
  private static final int MAX_BODY = 1 << 20;

  private final List<Http1.Request> requests = new ArrayList<>();
  private final List<Http1.Request> writes = new ArrayList<>();
  private final List<byte[]> byteSeeds = new ArrayList<>();

  private final Mix mix;

  public AdminFuzzer(Mix mix) {
    this.mix = mix;
    for (Corpus.Connection c : Corpus.load(Door.ADMIN)) {
      byteSeeds.add(c.bytes());
      for (Http1.Request r : Http1.requests(c.name(), c.bytes())) {
        requests.add(r);
        if (r.method().equals("POST") && (isProduce(r.target()) || isAppend(r.target()))) {
          writes.add(r);
        }
      }
    }
    if (writes.isEmpty()) {
      throw new IllegalStateException("the admin corpus holds no produce or append");
    }
  }

  static boolean isProduce(String requestTarget) {
    String target = originForm(requestTarget);
    return target.startsWith(TOPICS)
        && path(target).endsWith("/records")
        && path(target).indexOf('/', TOPICS.length()) == path(target).length() - 8;
  }

  static boolean isAppend(String requestTarget) {
    String target = originForm(requestTarget);
    return target.startsWith(STREAMS) && path(target).length() > STREAMS.length();
  }

  /**
   * The target in origin form: an absolute-form target ({@code http://host/api/...}), which the
   * server serves as its path, loses its scheme and authority.
   */
  static String originForm(String target) {
    int scheme = target.indexOf("://");
    if (scheme <= 0 || !target.substring(0, scheme).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
      return target;
    }
    int slash = target.indexOf('/', scheme + 3);
    return slash < 0 ? "/" : target.substring(slash);
  }

  private static String path(String target) {
    int q = target.indexOf('?');
    return q < 0 ? target : target.substring(0, q);
  }

  @Override
  public Door door() {
    return Door.ADMIN;
  }

  @Override
  public int seedCount() {
    return requests.size();
  }

  @Override
  public Plan plan(SplittableRandom r) {
    List<Http1.Request> pool = mix == Mix.WRITES || r.nextInt(10) < 4 ? writes : requests;
    HttpConnections.Built b =
        HttpConnections.build(
            pool,
            r,
            (req, rr) ->
                rr.nextInt(100) < 85
                    ? TreeMutations.mutate(req.body(), false, rr)
                    : ByteMutations.mutate(req.body(), 1 + rr.nextInt(2), rr, List.of()),
            byteSeeds);
    return new Plan(b.bytes(), b.intact() ? b.requests().size() : 0, b);
  }

  @Override
  public AnswerCounter counter(Plan plan) {
    List<String> methods = ((HttpConnections.Built) plan.detail()).methods();
    return (received, length) -> Http1.responses(received, length, false, methods).size();
  }

  @Override
  public void settle(Plan plan, Exchange.Result result, Ledger ledger) {
    HttpConnections.Built b = (HttpConnections.Built) plan.detail();
    List<Http1.Response> answers =
        Http1.responses(result.received(), result.received().length, true, b.methods());
    int pairable = HttpConnections.pairable(b, answers, MAX_BODY, "admin", ledger);
    for (int i = 0; i < pairable; i++) {
      HttpConnections.Sent s = b.requests().get(i);
      if (!s.framed()) {
        break;
      }
      Http1.Response a = answers.get(i);
      if (a.status() < 200 || a.status() > 299) {
        continue;
      }
      if (shape(a) != null && !shape(a).equals(kind(s.request()))) {
        ledger.finding(
            String.format(
                "admin: HTTP/1.1 ANSWERS OUT OF ORDER: answer %d of %d is a %s answer, but request"
                    + " %d is %s %s",
                i + 1,
                answers.size(),
                shape(a),
                i + 1,
                s.request().method(),
                s.request().target()));
        return;
      }
      Http1.Request req = s.request();
      String origin = req.origin() + " " + s.how();
      String method = req.method();
      String target = originForm(req.target());
      String[] segments = path(target).split("/", -1);
      boolean topicPath = target.startsWith(TOPICS) && segments.length >= 5;
      if (method.equals("DELETE") && topicPath && segments.length == 5) {
        // DELETE /api/v1/topics/{topic}: the topic and its records are gone.
        ledger.excuse(decode(segments[4]));
      } else if (method.equals("PATCH")
          && topicPath
          && segments.length == 6
          && segments[5].equals("configs")) {
        // PATCH /api/v1/topics/{topic}/configs: retention or compaction may have changed.
        ledger.excuse(decode(segments[4]));
      } else if (method.equals("POST") && isProduce(target)) {
        produced(req, a, origin, ledger);
      } else if (method.equals("POST") && isAppend(target)) {
        appended(req, a, origin, ledger);
      }
    }
  }

  /** What a successful answer's body says it answers: "produce", "append", or null (other). */
  private static String shape(Http1.Response a) {
    JsonNode n = read(a.body());
    if (n == null || !n.isObject()) {
      return null;
    }
    if (n.path("records").isArray() && n.path("topic").isTextual() && n.size() == 2) {
      return "produce";
    }
    if (n.has("stream") && n.has("lastRevision") && n.has("position") && n.size() == 3) {
      return "append";
    }
    return null;
  }

  /** What a request would get as a successful answer: "produce", "append", or "other". */
  private static String kind(Http1.Request r) {
    if (r.method().equals("POST") && isProduce(r.target())) {
      return "produce";
    }
    if (r.method().equals("POST") && isAppend(r.target())) {
      return "append";
    }
    return "other";
  }

  private static String decode(String segment) {
    try {
      return java.net.URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return segment;
    }
  }

  private static void produced(Http1.Request req, Http1.Response a, String origin, Ledger ledger) {
    JsonNode body = read(req.body());
    JsonNode answer = read(a.body());
    if (body == null
        || answer == null
        || !answer.path("records").isArray()
        || !answer.path("topic").isTextual()) {
      return;
    }
    String topic = answer.get("topic").asText();
    JsonNode sent = body.get("records");
    JsonNode got = answer.get("records");
    if (sent == null || !sent.isArray() || sent.size() != got.size()) {
      ledger.finding(
          "admin: produce of "
              + (sent == null ? 0 : sent.size())
              + " records answered with "
              + got.size()
              + " offsets ("
              + origin
              + ")");
      return;
    }
    String encoding = body.path("encoding").isTextual() ? body.get("encoding").asText() : null;
    for (int i = 0; i < sent.size(); i++) {
      JsonNode v = sent.get(i).get("value");
      byte[] value;
      if (v == null || v.isNull()) {
        value = null;
      } else {
        String text = v.isTextual() ? v.asText() : v.toString();
        try {
          value =
              "base64".equals(encoding)
                  ? Base64.getDecoder().decode(text)
                  : text.getBytes(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          ledger.finding("admin: produce acknowledged a value that is not base64 (" + origin + ")");
          continue;
        }
      }
      ledger.expect(
          new Ledger.Expected(
              topic,
              false,
              got.get(i).path("partition").asInt(),
              got.get(i).path("offset").asLong(),
              new long[] {new RecordDigest().bytes(value).value()},
              DigestKind.VALUE,
              0,
              origin + " record " + i));
    }
  }

  private static void appended(Http1.Request req, Http1.Response a, String origin, Ledger ledger) {
    JsonNode body = read(req.body());
    JsonNode answer = read(a.body());
    if (body == null || answer == null || !answer.path("position").canConvertToLong()) {
      return;
    }
    JsonNode events = body.isArray() ? body : body.get("events");
    if (events == null || !events.isArray() || events.isEmpty()) {
      return;
    }
    long[] digests = new long[events.size()];
    for (int i = 0; i < events.size(); i++) {
      JsonNode e = events.get(i);
      JsonNode data = e.get("data");
      String contentType = e.path("contentType").isTextual() ? e.get("contentType").asText() : null;
      byte[] bytes;
      if (data == null || data.isNull()) {
        bytes = new byte[0];
      } else if (data.isTextual() && !"application/json".equals(contentType)) {
        bytes = data.asText().getBytes(StandardCharsets.UTF_8);
      } else {
        bytes = data.toString().getBytes(StandardCharsets.UTF_8);
      }
      digests[i] = new RecordDigest().bytes(bytes).value();
    }
    long last = answer.get("position").asLong();
    ledger.expect(
        new Ledger.Expected(
            "__eventstore_all",
            false,
            0,
            last - digests.length + 1,
            digests,
            DigestKind.VALUE,
            0,
            origin));
  }

  private static JsonNode read(byte[] body) {
    try {
      return TreeMutations.JSON.readTree(body);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
