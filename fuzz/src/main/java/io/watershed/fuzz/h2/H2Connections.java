package io.watershed.fuzz.h2;

import io.watershed.fuzz.mutate.ByteMutations;
import io.watershed.fuzz.mutate.HeaderMutations;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * Builds an HTTP/2 connection from request streams of the corpus: the harness's own preface
 * (SETTINGS with a 1 GiB initial window and a matching connection WINDOW_UPDATE, so the server
 * never waits on flow control; an ACK of the server's SETTINGS), then one to four requests on
 * streams 1, 3, 5 …, each mutated in its headers or body or not at all, then — sometimes — a
 * mutation at the frame level (payload bytes, type, flags, stream id, declared length, frames
 * duplicated, swapped, dropped or inserted) or the byte level.
 */
public final class H2Connections {
  /** A door's mutation of one request's body (gRPC messages, a CBOR document …). */
  @FunctionalInterface
  public interface BodyMutator {
    byte[] mutate(H2Request request, SplittableRandom r);
  }

  /** A request as sent on {@code streamId}, and how it was mutated. */
  public record SentStream(int streamId, H2Request request, String how) {}

  /** One connection's bytes and what it carried. */
  public record Built(
      byte[] bytes, boolean intact, List<SentStream> streams, Set<Integer> awaited, String how) {
    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder(how).append('\n');
      for (SentStream s : streams) {
        sb.append("  stream ")
            .append(s.streamId())
            .append(' ')
            .append(s.request().header(":path"))
            .append(" from ")
            .append(s.request().origin())
            .append(' ')
            .append(s.how())
            .append('\n');
      }
      return sb.toString();
    }
  }

  private static final int WINDOW = 1 << 30;

  private H2Connections() {}

  /**
   * @param longLived requests whose answers never end (subscriptions): not waited for
   */
  public static Built build(
      List<H2Request> corpus,
      SplittableRandom r,
      BodyMutator bodies,
      Predicate<H2Request> longLived,
      List<byte[]> byteSeeds) {
    List<H2Frame> frames = new ArrayList<>();
    frames.add(new H2Frame(H2Frame.SETTINGS, 0, 0, settings()));
    frames.add(
        new H2Frame(
            H2Frame.WINDOW_UPDATE, 0, 0, ByteBuffer.allocate(4).putInt(WINDOW - 65535).array()));
    frames.add(new H2Frame(H2Frame.SETTINGS, H2Frame.ACK, 0, new byte[0]));
    int preamble = frames.size();
    int count = r.nextInt(10) < 6 ? 1 : 2 + r.nextInt(3);
    List<SentStream> sent = new ArrayList<>();
    Set<Integer> awaited = new HashSet<>();
    for (int i = 0; i < count; i++) {
      H2Request req = ByteMutations.pick(corpus, r);
      String how;
      int roll = r.nextInt(100);
      if (roll < 35) {
        how = "replay";
      } else if (roll < 70) {
        req = req.withBody(bodies.mutate(req, r));
        how = "body";
      } else {
        req = req.withHeaders(HeaderMutations.mutate(req.headers(), r));
        how = "headers";
      }
      int id = 1 + 2 * i;
      sent.add(new SentStream(id, req, how));
      if (req.ended() && !longLived.test(req)) {
        awaited.add(id);
      }
      frames.addAll(frames(id, req, r));
    }
    boolean intact = true;
    String how = "frames intact";
    if (r.nextInt(100) < 20) {
      how = frameMutation(frames, preamble, r);
      intact = false;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(H2Frame.PREFACE);
    for (H2Frame f : frames) {
      f.writeTo(out);
    }
    byte[] bytes = out.toByteArray();
    if (r.nextInt(100) < 8) {
      bytes = ByteMutations.mutate(bytes, 1 + r.nextInt(3), r, byteSeeds);
      how += ", bytes mutated";
      intact = false;
    }
    return new Built(bytes, intact, sent, awaited, how);
  }

  /**
   * A whole recorded client connection (its own preface, SETTINGS, HEADERS compressed against the
   * HPACK dynamic table as the client kept it, DATA, WINDOW_UPDATEs, PINGs), with one to three
   * byte-level mutations; its framing is taken as damaged.
   */
  public static Built recorded(
      String name, byte[] connection, SplittableRandom r, List<byte[]> byteSeeds) {
    byte[] bytes = ByteMutations.mutate(connection, 1 + r.nextInt(3), r, byteSeeds);
    return new Built(
        bytes, false, List.of(), Set.of(), "recorded connection " + name + ", bytes mutated");
  }

  private static byte[] settings() {
    ByteBuffer b = ByteBuffer.allocate(18);
    b.putShort((short) 2).putInt(0); // ENABLE_PUSH off
    b.putShort((short) 4).putInt(WINDOW); // INITIAL_WINDOW_SIZE
    b.putShort((short) 6).putInt(1 << 20); // MAX_HEADER_LIST_SIZE
    return b.array();
  }

  /** HEADERS (sometimes split with CONTINUATION) and DATA frames (split at random sizes). */
  static List<H2Frame> frames(int id, H2Request req, SplittableRandom r) {
    List<H2Frame> out = new ArrayList<>();
    byte[] block = Hpack.encode(req.headers());
    boolean noBody = req.body().length == 0;
    int headerFlags = req.ended() && noBody ? H2Frame.END_STREAM : 0;
    if (block.length > 8 && r.nextInt(10) == 0) {
      int cut = 1 + r.nextInt(block.length - 1);
      out.add(new H2Frame(H2Frame.HEADERS, headerFlags, id, java.util.Arrays.copyOf(block, cut)));
      out.add(
          new H2Frame(
              H2Frame.CONTINUATION,
              H2Frame.END_HEADERS,
              id,
              java.util.Arrays.copyOfRange(block, cut, block.length)));
    } else if (block.length > H2Frame.MAX_FRAME_SIZE) {
      int at = 0;
      boolean first = true;
      while (at < block.length) {
        int n = Math.min(H2Frame.MAX_FRAME_SIZE, block.length - at);
        byte[] part = java.util.Arrays.copyOfRange(block, at, at + n);
        at += n;
        int flags = at == block.length ? H2Frame.END_HEADERS : 0;
        out.add(
            new H2Frame(
                first ? H2Frame.HEADERS : H2Frame.CONTINUATION,
                first ? headerFlags | flags : flags,
                id,
                part));
        first = false;
      }
    } else {
      out.add(new H2Frame(H2Frame.HEADERS, headerFlags | H2Frame.END_HEADERS, id, block));
    }
    if (!noBody) {
      byte[] body = req.body();
      int at = 0;
      int pieces = r.nextInt(4) == 0 ? 2 + r.nextInt(3) : 1;
      for (int p = 0; p < 64 && at < body.length; p++) {
        int max = Math.min(H2Frame.MAX_FRAME_SIZE, body.length - at);
        int n = p == pieces - 1 ? max : Math.max(1, Math.min(max, r.nextInt(max) + 1));
        byte[] part = java.util.Arrays.copyOfRange(body, at, at + n);
        at += n;
        int flags = at == body.length && req.ended() ? H2Frame.END_STREAM : 0;
        out.add(new H2Frame(H2Frame.DATA, flags, id, part));
      }
    }
    return out;
  }

  private static String frameMutation(List<H2Frame> frames, int preamble, SplittableRandom r) {
    int i = preamble + r.nextInt(Math.max(1, frames.size() - preamble));
    i = Math.min(i, frames.size() - 1);
    H2Frame f = frames.get(i);
    switch (r.nextInt(10)) {
      case 0 -> {
        frames.set(
            i,
            f.withPayload(
                f.payload().length == 0
                    ? new byte[] {1}
                    : ByteMutations.flipBits(
                        f.payload(), r.nextInt(f.payload().length), 1 + r.nextInt(4), r)));
        return "frame payload bits flipped";
      }
      case 1 -> {
        frames.set(i, new H2Frame(r.nextInt(12), f.flags(), f.streamId(), f.payload()));
        return "frame type changed";
      }
      case 2 -> {
        frames.set(i, f.withFlags(r.nextInt(256)));
        return "frame flags changed";
      }
      case 3 -> {
        int[] ids = {0, 2, 1, 0x7fffffff, f.streamId() + 2, Math.max(1, f.streamId() - 2)};
        frames.set(i, f.withStream(ids[r.nextInt(ids.length)]));
        return "frame stream id changed";
      }
      case 4 -> {
        int[] lengths = {
          0,
          f.payload().length + 1,
          Math.max(0, f.payload().length - 1),
          0xffffff,
          H2Frame.MAX_FRAME_SIZE + 1
        };
        frames.set(
            i,
            new H2Frame(
                f.type(),
                f.flags(),
                f.streamId(),
                f.payload(),
                lengths[r.nextInt(lengths.length)]));
        return "frame length field wrong";
      }
      case 5 -> {
        frames.add(i, f);
        return "frame duplicated";
      }
      case 6 -> {
        int j = preamble + r.nextInt(Math.max(1, frames.size() - preamble));
        j = Math.min(j, frames.size() - 1);
        frames.set(i, frames.get(j));
        frames.set(j, f);
        return "frames swapped";
      }
      case 7 -> {
        frames.remove(i);
        return "frame dropped";
      }
      case 8 -> {
        frames.add(i, extra(f.streamId(), r));
        return "frame inserted: " + frames.get(i);
      }
      default -> {
        byte[] huge = new byte[H2Frame.MAX_FRAME_SIZE + 1 + r.nextInt(1000)];
        frames.add(i, new H2Frame(H2Frame.DATA, 0, f.streamId(), huge));
        return "oversized DATA frame";
      }
    }
  }

  /** A frame of another kind: PING, PRIORITY, RST_STREAM, WINDOW_UPDATE, SETTINGS, GOAWAY … */
  private static H2Frame extra(int stream, SplittableRandom r) {
    return switch (r.nextInt(9)) {
      case 0 -> new H2Frame(H2Frame.PING, 0, 0, new byte[8]);
      case 1 -> new H2Frame(H2Frame.PRIORITY, 0, stream, new byte[] {0, 0, 0, (byte) stream, 16});
      case 2 -> new H2Frame(H2Frame.RST_STREAM, 0, stream, new byte[] {0, 0, 0, 8});
      case 3 ->
          new H2Frame(
              H2Frame.WINDOW_UPDATE,
              0,
              r.nextBoolean() ? 0 : stream,
              ByteBuffer.allocate(4).putInt(r.nextBoolean() ? 0 : 0x7fffffff).array());
      case 4 ->
          new H2Frame(
              H2Frame.SETTINGS,
              0,
              0,
              ByteBuffer.allocate(6)
                  .putShort((short) (1 + r.nextInt(8)))
                  .putInt(r.nextBoolean() ? -1 : 0)
                  .array());
      case 5 -> new H2Frame(H2Frame.GOAWAY, 0, 0, new byte[8]);
      case 6 ->
          new H2Frame(H2Frame.PUSH_PROMISE, H2Frame.END_HEADERS, stream, new byte[] {0, 0, 0, 2});
      case 7 -> new H2Frame(0x20 + r.nextInt(200), 0, stream, new byte[] {1, 2, 3});
      default ->
          new H2Frame(
              H2Frame.HEADERS,
              H2Frame.END_HEADERS | H2Frame.END_STREAM,
              stream,
              Hpack.encode(List.of(Map.entry(":method", "GET"))));
    };
  }
}
