package io.watershed.fuzz.eventstore;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.kurrent.dbclient.proto.shared.Shared;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.AppendReq;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.AppendResp;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.ReadReq;
import io.watershed.fuzz.Corpus;
import io.watershed.fuzz.Door;
import io.watershed.fuzz.Mix;
import io.watershed.fuzz.engine.AnswerCounter;
import io.watershed.fuzz.engine.DoorFuzzer;
import io.watershed.fuzz.engine.Exchange;
import io.watershed.fuzz.engine.Plan;
import io.watershed.fuzz.h2.H2Connections;
import io.watershed.fuzz.h2.H2Request;
import io.watershed.fuzz.h2.H2Responses;
import io.watershed.fuzz.mutate.ByteMutations;
import io.watershed.fuzz.oracle.DigestKind;
import io.watershed.fuzz.oracle.Ledger;
import io.watershed.fuzz.oracle.RecordDigest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The event-store door (gRPC over HTTP/2): units are the request streams the KurrentDB client
 * opened (appends, reads, subscriptions, deletes, metadata, persistent subscriptions), rebuilt on
 * fresh connections and mutated in their gRPC messages (protobuf bytes, length prefixes, the
 * compressed flag, messages dropped, duplicated or taken from another request, append fields set to
 * edge values), their headers, or at the frame and byte level.
 *
 * <p>Every append answered with success is an acknowledgement: its events — stream, data and id as
 * sent — must be at the {@code $all} positions it gives (offsets of {@code __eventstore_all}) after
 * a restart; an answer to a retry of the same event ids may point at any earlier variant sent.
 */
public final class EventStoreFuzzer implements DoorFuzzer {
  static final String APPEND = "/event_store.client.streams.Streams/Append";
  static final String READ = "/event_store.client.streams.Streams/Read";
  static final String ALL_TOPIC = "__eventstore_all";

  private final List<H2Request> requests = new ArrayList<>();
  private final List<H2Request> appends = new ArrayList<>();
  private final List<byte[]> byteSeeds = new ArrayList<>();
  private final List<Corpus.Connection> connections = new ArrayList<>();

  private final Mix mix;

  public EventStoreFuzzer(Mix mix) {
    this.mix = mix;
    for (Corpus.Connection c : Corpus.load(Door.EVENTSTORE)) {
      byteSeeds.add(c.bytes());
      connections.add(c);
      for (H2Request r : H2Request.fromConnection(c.name(), c.bytes())) {
        requests.add(r);
        if (APPEND.equals(r.header(":path"))) {
          appends.add(r);
        }
      }
    }
    if (appends.isEmpty()) {
      throw new IllegalStateException("the event-store corpus holds no append");
    }
  }

  @Override
  public Door door() {
    return Door.EVENTSTORE;
  }

  @Override
  public int seedCount() {
    return requests.size();
  }

  @Override
  public Plan plan(SplittableRandom r) {
    if (mix == Mix.ALL && r.nextInt(10) == 0) {
      Corpus.Connection c = ByteMutations.pick(connections, r);
      H2Connections.Built b = H2Connections.recorded(c.name(), c.bytes(), r, byteSeeds);
      return new Plan(b.bytes(), 0, b);
    }
    // Half the requests are appends: the write path is where acknowledgements are checked.
    List<H2Request> pool = mix == Mix.WRITES || r.nextBoolean() ? appends : requests;
    H2Connections.Built b =
        H2Connections.build(pool, r, this::mutateBody, EventStoreFuzzer::longLived, byteSeeds);
    return new Plan(b.bytes(), b.intact() ? b.awaited().size() : 0, b);
  }

  /** A catch-up subscription or a persistent subscription: its answer never ends. */
  static boolean longLived(H2Request req) {
    String path = req.header(":path");
    if (path == null) {
      return false;
    }
    if (path.startsWith("/event_store.client.persistent_subscriptions")) {
      return path.endsWith("/Read");
    }
    if (READ.equals(path)) {
      for (byte[] m : messages(req.body())) {
        try {
          return ReadReq.parseFrom(m).getOptions().hasSubscription();
        } catch (InvalidProtocolBufferException e) {
          return false;
        }
      }
    }
    return false;
  }

  /** The gRPC messages of a body (1-byte flag, 4-byte length, message), as far as they fit. */
  static List<byte[]> messages(byte[] body) {
    List<byte[]> out = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(body);
    while (b.remaining() >= 5) {
      b.get();
      int len = b.getInt();
      if (len < 0 || len > b.remaining()) {
        break;
      }
      byte[] m = new byte[len];
      b.get(m);
      out.add(m);
    }
    return out;
  }

  static byte[] frame(List<byte[]> messages) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] m : messages) {
      out.write(0);
      out.writeBytes(ByteBuffer.allocate(4).putInt(m.length).array());
      out.writeBytes(m);
    }
    return out.toByteArray();
  }

  private byte[] mutateBody(H2Request req, SplittableRandom r) {
    List<byte[]> msgs = new ArrayList<>(messages(req.body()));
    byte[] body = req.body();
    switch (r.nextInt(10)) {
      case 0, 1 -> {
        if (msgs.isEmpty()) {
          return ByteMutations.mutateOnce(body, r, List.of());
        }
        int i = r.nextInt(msgs.size());
        msgs.set(i, ByteMutations.mutate(msgs.get(i), 1 + r.nextInt(2), r, List.of()));
        return frame(msgs);
      }
      case 2 -> {
        if (body.length < 5) {
          return body;
        }
        byte[] out = body.clone();
        ByteBuffer.wrap(out).putInt(1, ByteMutations.interestingInt(r, out.length - 5));
        return out;
      }
      case 3 -> {
        byte[] out = body.clone();
        if (out.length > 0) {
          out[0] = (byte) (r.nextBoolean() ? 1 : r.nextInt(256));
        }
        return out;
      }
      case 4 -> {
        if (!msgs.isEmpty()) {
          int i = r.nextInt(msgs.size());
          if (r.nextBoolean()) {
            msgs.remove(i);
          } else {
            msgs.add(i, msgs.get(i));
          }
        }
        return frame(msgs);
      }
      case 5 -> {
        H2Request other = ByteMutations.pick(requests, r);
        List<byte[]> theirs = messages(other.body());
        if (!theirs.isEmpty() && !msgs.isEmpty()) {
          msgs.set(r.nextInt(msgs.size()), ByteMutations.pick(theirs, r));
        }
        return frame(msgs);
      }
      case 6 -> {
        return java.util.Arrays.copyOf(body, r.nextInt(body.length + 1));
      }
      default -> {
        return APPEND.equals(req.header(":path"))
            ? frame(appendFields(msgs, r))
            : ByteMutations.mutateOnce(body, r, List.of());
      }
    }
  }

  /** Sets one field of an append to an edge value, keeping the protobuf well-formed. */
  private static List<byte[]> appendFields(List<byte[]> msgs, SplittableRandom r) {
    List<byte[]> out = new ArrayList<>(msgs);
    if (out.isEmpty()) {
      return out;
    }
    int i = r.nextInt(out.size());
    AppendReq req;
    try {
      req = AppendReq.parseFrom(out.get(i));
    } catch (InvalidProtocolBufferException e) {
      return out;
    }
    AppendReq.Builder b = req.toBuilder();
    if (req.hasOptions()) {
      AppendReq.Options.Builder o = req.getOptions().toBuilder();
      switch (r.nextInt(5)) {
        case 0 ->
            o.setStreamIdentifier(
                Shared.StreamIdentifier.newBuilder()
                    .setStreamName(ByteString.copyFrom(new byte[] {(byte) 0xc3, 0x28})));
        case 1 ->
            o.setStreamIdentifier(
                Shared.StreamIdentifier.newBuilder()
                    .setStreamName(ByteString.copyFromUtf8(r.nextBoolean() ? "" : "$all")));
        case 2 -> o.setRevision(r.nextBoolean() ? Long.MAX_VALUE : -2L);
        case 3 ->
            o.setStreamIdentifier(
                Shared.StreamIdentifier.newBuilder()
                    .setStreamName(ByteString.copyFromUtf8("s".repeat(70_000))));
        default -> o.clearStreamIdentifier();
      }
      b.setOptions(o);
    } else if (req.hasProposedMessage()) {
      AppendReq.ProposedMessage.Builder m = req.getProposedMessage().toBuilder();
      switch (r.nextInt(6)) {
        case 0 -> m.removeMetadata("type");
        case 1 -> m.putMetadata("content-type", r.nextBoolean() ? "" : "application/x-\u0000");
        case 2 -> m.setId(Shared.UUID.newBuilder().setString(r.nextBoolean() ? "not-a-uuid" : ""));
        case 3 -> m.setData(ByteString.copyFrom(new byte[r.nextBoolean() ? 0 : 1_100_000]));
        case 4 -> m.setData(ByteString.copyFromUtf8("{\"broken\": "));
        default -> m.setCustomMetadata(ByteString.copyFrom(new byte[] {(byte) 0xff, 0}));
      }
      b.setProposedMessage(m);
    }
    out.set(i, b.build().toByteArray());
    return out;
  }

  @Override
  public AnswerCounter counter(Plan plan) {
    H2Connections.Built b = (H2Connections.Built) plan.detail();
    return (received, length) -> H2Responses.completed(received, length, b.awaited());
  }

  @Override
  public void settle(Plan plan, Exchange.Result result, Ledger ledger) {
    H2Connections.Built b = (H2Connections.Built) plan.detail();
    List<Append> sent = new ArrayList<>();
    for (H2Connections.SentStream s : b.streams()) {
      Append a = APPEND.equals(s.request().header(":path")) ? Append.parse(s) : null;
      sent.add(a);
      if (a != null) {
        ledger.variant(a.idempotencyKey(), a.digests());
      }
    }
    if (!b.intact() || result.received().length == 0) {
      // Frames were damaged: what the server read of each stream is not known, so its answers
      // cannot be tied to an append as sent.
      return;
    }
    H2Responses responses = H2Responses.parse(result.received());
    for (int i = 0; i < b.streams().size(); i++) {
      Append a = sent.get(i);
      H2Responses.Stream s = responses.streams.get(b.streams().get(i).streamId());
      if (a == null || s == null || s.reset) {
        continue;
      }
      for (byte[] m : messages(s.data.toByteArray())) {
        AppendResp resp;
        try {
          resp = AppendResp.parseFrom(m);
        } catch (InvalidProtocolBufferException e) {
          continue;
        }
        if (!resp.hasSuccess() || !resp.getSuccess().hasPosition()) {
          continue;
        }
        long last = resp.getSuccess().getPosition().getCommitPosition();
        ledger.expect(
            new Ledger.Expected(
                ALL_TOPIC,
                false,
                0,
                last - a.digests().length + 1,
                a.digests(),
                DigestKind.EVENT,
                a.idempotencyKey(),
                b.streams().get(i).request().origin() + " " + b.streams().get(i).how()));
      }
    }
  }

  /** An append as sent: its stream and each event's digest (stream, data, id). */
  record Append(String stream, long[] digests, long idempotencyKey) {
    static Append parse(H2Connections.SentStream s) {
      String stream = null;
      List<Long> digests = new ArrayList<>();
      RecordDigest ids = new RecordDigest();
      try {
        for (byte[] m : messages(s.request().body())) {
          AppendReq req = AppendReq.parseFrom(m);
          if (req.hasOptions()) {
            if (stream != null) {
              return null;
            }
            stream = req.getOptions().getStreamIdentifier().getStreamName().toStringUtf8();
          } else if (req.hasProposedMessage() && stream != null) {
            AppendReq.ProposedMessage p = req.getProposedMessage();
            byte[] id = uuidBytes(p.getId());
            digests.add(
                new RecordDigest()
                    .bytes(stream.getBytes(StandardCharsets.UTF_8))
                    .bytes(p.getData().toByteArray())
                    .bytes(id)
                    .value());
            ids.bytes(id);
          }
        }
      } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
        return null;
      }
      if (stream == null || digests.isEmpty()) {
        return null;
      }
      long[] d = digests.stream().mapToLong(Long::longValue).toArray();
      long key = ids.text(stream).value();
      return new Append(stream, d, key == 0 ? 1 : key);
    }

    private static byte[] uuidBytes(Shared.UUID id) {
      UUID u =
          switch (id.getValueCase()) {
            case STRUCTURED ->
                new UUID(
                    id.getStructured().getMostSignificantBits(),
                    id.getStructured().getLeastSignificantBits());
            case STRING -> UUID.fromString(id.getString());
            default -> throw new IllegalArgumentException("no id");
          };
      return ByteBuffer.allocate(16)
          .putLong(u.getMostSignificantBits())
          .putLong(u.getLeastSignificantBits())
          .array();
    }
  }
}
