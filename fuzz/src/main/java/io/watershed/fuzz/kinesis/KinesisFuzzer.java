package io.watershed.fuzz.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import io.watershed.fuzz.Corpus;
import io.watershed.fuzz.Door;
import io.watershed.fuzz.Mix;
import io.watershed.fuzz.engine.AnswerCounter;
import io.watershed.fuzz.engine.DoorFuzzer;
import io.watershed.fuzz.engine.Exchange;
import io.watershed.fuzz.engine.Plan;
import io.watershed.fuzz.h2.H2Connections;
import io.watershed.fuzz.h2.H2Frame;
import io.watershed.fuzz.h2.H2Request;
import io.watershed.fuzz.h2.H2Responses;
import io.watershed.fuzz.http.Http1;
import io.watershed.fuzz.http.HttpConnections;
import io.watershed.fuzz.mutate.ByteMutations;
import io.watershed.fuzz.mutate.TreeMutations;
import io.watershed.fuzz.oracle.DigestKind;
import io.watershed.fuzz.oracle.Ledger;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The Kinesis door: units are the requests the AWS SDK v2 sent — over HTTP/1.1 from the sync client
 * in CBOR and in JSON, and as HTTP/2 streams from the async client (h2c, CBOR) — mutated in their
 * bodies (JSON and CBOR values of other types, members removed or added, bodies of other
 * operations, bytes), headers, request lines, chunked framing and bytes, or for HTTP/2 at the frame
 * level.
 *
 * <p>Every PutRecord, and every PutRecords entry, answered with a sequence number is an
 * acknowledgement: the record — partition key and data as sent — must be at that shard's offset
 * after a restart.
 */
public final class KinesisFuzzer implements DoorFuzzer {
  static final String TARGET_PREFIX = "Kinesis_20131202.";

  /** The door's limit on request bodies (kinesis.max.request.bytes), refused with 413 above. */
  private static final int MAX_BODY = 8 << 20;

  private final List<Http1.Request> requests = new ArrayList<>();
  private final List<Http1.Request> puts = new ArrayList<>();
  private final List<H2Request> streams = new ArrayList<>();
  private final List<H2Request> h2Puts = new ArrayList<>();
  private final List<Corpus.Connection> h2Connections = new ArrayList<>();
  private final List<byte[]> byteSeeds = new ArrayList<>();

  /** What one connection carried: HTTP/1.1 requests or HTTP/2 streams. */
  record Sending(HttpConnections.Built http1, H2Connections.Built http2) {
    @Override
    public String toString() {
      return http1 != null ? "HTTP/1.1\n" + http1 : "HTTP/2 " + http2;
    }
  }

  private final Mix mix;

  public KinesisFuzzer(Mix mix) {
    this.mix = mix;
    for (Corpus.Connection c : Corpus.load(Door.KINESIS)) {
      byteSeeds.add(c.bytes());
      if (c.bytes().length >= H2Frame.PREFACE.length
          && Arrays.equals(
              c.bytes(), 0, H2Frame.PREFACE.length, H2Frame.PREFACE, 0, H2Frame.PREFACE.length)) {
        h2Connections.add(c);
        for (H2Request h : H2Request.fromConnection(c.name(), c.bytes())) {
          streams.add(h);
          String op = operation(h.header("x-amz-target"));
          if (op.equals("PutRecord") || op.equals("PutRecords")) {
            h2Puts.add(h);
          }
        }
      } else {
        for (Http1.Request r : Http1.requests(c.name(), c.bytes())) {
          requests.add(r);
          String op = operation(r.header("x-amz-target"));
          if (op.equals("PutRecord") || op.equals("PutRecords")) {
            puts.add(r);
          }
        }
      }
    }
    if (puts.isEmpty() || h2Puts.isEmpty()) {
      throw new IllegalStateException(
          "the Kinesis corpus needs puts over HTTP/1.1 and HTTP/2 streams");
    }
  }

  static String operation(String target) {
    return target != null && target.startsWith(TARGET_PREFIX)
        ? target.substring(TARGET_PREFIX.length())
        : "";
  }

  static boolean cbor(String contentType) {
    return contentType != null && contentType.contains("cbor");
  }

  @Override
  public Door door() {
    return Door.KINESIS;
  }

  @Override
  public int seedCount() {
    return requests.size() + streams.size();
  }

  @Override
  public Plan plan(SplittableRandom r) {
    if (r.nextInt(10) < 7) {
      List<Http1.Request> pool = mix == Mix.WRITES || r.nextBoolean() ? puts : requests;
      HttpConnections.Built b = HttpConnections.build(pool, r, this::mutateBody, byteSeeds);
      return new Plan(b.bytes(), b.intact() ? b.requests().size() : 0, new Sending(b, null));
    }
    if (mix == Mix.ALL && r.nextInt(10) == 0) {
      Corpus.Connection c = ByteMutations.pick(h2Connections, r);
      H2Connections.Built raw = H2Connections.recorded(c.name(), c.bytes(), r, byteSeeds);
      return new Plan(raw.bytes(), 0, new Sending(null, raw));
    }
    H2Connections.Built b =
        H2Connections.build(
            mix == Mix.WRITES ? h2Puts : streams,
            r,
            (req, rr) -> mutate(req.body(), cbor(req.header("content-type")), rr),
            req -> "SubscribeToShard".equals(operation(req.header("x-amz-target"))),
            byteSeeds);
    return new Plan(b.bytes(), b.intact() ? b.awaited().size() : 0, new Sending(null, b));
  }

  private byte[] mutateBody(Http1.Request req, SplittableRandom r) {
    return mutate(req.body(), cbor(req.header("content-type")), r);
  }

  private byte[] mutate(byte[] body, boolean cbor, SplittableRandom r) {
    int roll = r.nextInt(100);
    if (roll < 70) {
      return TreeMutations.mutate(body, cbor, r);
    }
    if (roll < 85) {
      // The body of another operation in the same encoding, under this request's target.
      for (int i = 0; i < 10; i++) {
        Http1.Request other = ByteMutations.pick(requests, r);
        if (cbor(other.header("content-type")) == cbor) {
          return other.body();
        }
      }
      return body;
    }
    return ByteMutations.mutate(body, 1 + r.nextInt(2), r, List.of());
  }

  @Override
  public AnswerCounter counter(Plan plan) {
    Sending s = (Sending) plan.detail();
    if (s.http1() != null) {
      List<String> methods = s.http1().methods();
      return (received, length) -> Http1.responses(received, length, false, methods).size();
    }
    return (received, length) -> H2Responses.completed(received, length, s.http2().awaited());
  }

  @Override
  public void settle(Plan plan, Exchange.Result result, Ledger ledger) {
    Sending s = (Sending) plan.detail();
    if (s.http1() != null) {
      List<Http1.Response> answers =
          Http1.responses(result.received(), result.received().length, true, s.http1().methods());
      List<HttpConnections.Sent> sent = s.http1().requests();
      int pairable = HttpConnections.pairable(s.http1(), answers, MAX_BODY, "kinesis", ledger);
      for (int i = 0; i < pairable; i++) {
        HttpConnections.Sent req = sent.get(i);
        if (!req.framed()) {
          break;
        }
        Http1.Response a = answers.get(i);
        acknowledged(
            req.request().header("x-amz-target"),
            req.request().header("content-type"),
            req.request().body(),
            a.status(),
            a.header("content-type"),
            a.body(),
            req.request().origin() + " " + req.how(),
            ledger);
      }
      return;
    }
    H2Connections.Built b = s.http2();
    if (!b.intact()) {
      return;
    }
    H2Responses responses = H2Responses.parse(result.received());
    for (H2Connections.SentStream st : b.streams()) {
      H2Responses.Stream a = responses.streams.get(st.streamId());
      if (a == null || a.reset || !a.ended) {
        continue;
      }
      String status = a.header(":status");
      acknowledged(
          st.request().header("x-amz-target"),
          st.request().header("content-type"),
          st.request().body(),
          status == null ? 0 : Integer.parseInt(status),
          a.header("content-type"),
          a.data.toByteArray(),
          st.request().origin() + " " + st.how(),
          ledger);
    }
  }

  /** Reads a PutRecord(s) answer of 200 as acknowledgements of the records sent. */
  static void acknowledged(
      String target,
      String contentType,
      byte[] requestBody,
      int status,
      String answerType,
      byte[] answerBody,
      String origin,
      Ledger ledger) {
    String op = operation(target);
    if (status != 200 || !(op.equals("PutRecord") || op.equals("PutRecords"))) {
      if (status == 200 && op.equals("DeleteStream")) {
        JsonNode req = read(requestBody, cbor(contentType));
        String stream = req == null ? null : streamName(req);
        if (stream != null) {
          ledger.excuse(stream);
        }
      }
      return;
    }
    JsonNode req = read(requestBody, cbor(contentType));
    JsonNode answer = read(answerBody, cbor(answerType));
    if (req == null || answer == null) {
      return;
    }
    String stream = streamName(req);
    if (stream == null) {
      return;
    }
    if (op.equals("PutRecord")) {
      record(stream, req, answer, origin, ledger);
      return;
    }
    JsonNode sent = req.get("Records");
    JsonNode got = answer.get("Records");
    if (sent == null || got == null || !sent.isArray() || !got.isArray()) {
      return;
    }
    if (sent.size() != got.size()) {
      ledger.finding(
          "Kinesis: PutRecords of "
              + sent.size()
              + " records answered with "
              + got.size()
              + " results ("
              + origin
              + ")");
      return;
    }
    for (int i = 0; i < sent.size(); i++) {
      record(stream, sent.get(i), got.get(i), origin + " record " + i, ledger);
    }
  }

  private static void record(
      String stream, JsonNode sent, JsonNode got, String origin, Ledger ledger) {
    JsonNode seq = got.get("SequenceNumber");
    if (seq == null) {
      return;
    }
    String s = seq.isTextual() ? seq.asText() : seq.toString();
    int partition;
    long offset;
    try {
      // 56 digits: "49", the partition in 10, 25 reserved zeros, the offset + 1 in 19 (the door's
      // SequenceNumbers); earlier servers issued 30: "1", the partition in 10, the offset + 1 in
      // 19.
      if (s.length() == 56 && s.startsWith("49") && s.substring(12, 37).matches("0+")) {
        partition = Integer.parseInt(s.substring(2, 12));
        offset = Long.parseLong(s.substring(37)) - 1;
      } else if (s.length() == 30 && s.startsWith("1")) {
        partition = Integer.parseInt(s.substring(1, 11));
        offset = Long.parseLong(s.substring(11)) - 1;
      } else {
        throw new NumberFormatException(s);
      }
    } catch (NumberFormatException e) {
      ledger.finding(
          "Kinesis: acknowledged with a malformed sequence number " + s + " (" + origin + ")");
      return;
    }
    JsonNode key = sent.get("PartitionKey");
    byte[] data = blob(sent.get("Data"));
    if (key == null || !key.isTextual() || data == null) {
      ledger.finding(
          "Kinesis: acknowledged a record whose key or data does not read (" + origin + ")");
      return;
    }
    ledger.expect(
        new Ledger.Expected(
            stream,
            false,
            partition,
            offset,
            new long[] {DigestKind.keyValue(key.asText(), data)},
            DigestKind.KEY_VALUE,
            0,
            origin));
  }

  /** A blob as the door reads it: CBOR bytes, or base64 text (line breaks tolerated). */
  static byte[] blob(JsonNode n) {
    if (n == null) {
      return null;
    }
    try {
      if (n.isBinary()) {
        return n.binaryValue();
      }
      if (n.isTextual()) {
        try {
          return Base64.getDecoder().decode(n.textValue());
        } catch (IllegalArgumentException strict) {
          return Base64.getDecoder().decode(n.textValue().replace("\r", "").replace("\n", ""));
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
    return null;
  }

  static String streamName(JsonNode req) {
    JsonNode name = req.get("StreamName");
    if (name != null && name.isTextual()) {
      return name.asText();
    }
    JsonNode arn = req.get("StreamARN");
    if (arn != null && arn.isTextual()) {
      int at = arn.asText().indexOf(":stream/");
      return at < 0 ? null : arn.asText().substring(at + 8);
    }
    return null;
  }

  static JsonNode read(byte[] body, boolean cbor) {
    try {
      JsonNode n = (cbor ? TreeMutations.CBOR : TreeMutations.JSON).readTree(body);
      return n == null || !n.isObject() ? null : n;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
