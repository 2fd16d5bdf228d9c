package io.watershed.fuzz.kafka;

import io.watershed.fuzz.Corpus;
import io.watershed.fuzz.Door;
import io.watershed.fuzz.FuzzTargets;
import io.watershed.fuzz.Mix;
import io.watershed.fuzz.ServerProcess;
import io.watershed.fuzz.engine.AnswerCounter;
import io.watershed.fuzz.engine.DoorFuzzer;
import io.watershed.fuzz.engine.Exchange;
import io.watershed.fuzz.engine.Plan;
import io.watershed.fuzz.mutate.ByteMutations;
import io.watershed.fuzz.oracle.DigestKind;
import io.watershed.fuzz.oracle.Ledger;
import io.watershed.fuzz.oracle.RecordDigest;
import io.watershed.log.format.RecordBatchLayout;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.AlterConfigsResponse;
import org.apache.kafka.common.requests.DeleteRecordsResponse;
import org.apache.kafka.common.requests.DeleteTopicsResponse;
import org.apache.kafka.common.requests.IncrementalAlterConfigsResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.xerial.snappy.SnappyError;

/**
 * The Kafka door: units are the request frames the clients sent (size-prefixed), mutated at the
 * byte level, in the request header, in the size prefix, by splicing and cutting, and — for Produce
 * requests — inside the record batches (bit flips with and without a recomputed CRC32C, header
 * fields set to edge values, batches cut short with a matching records length, batches duplicated),
 * sent alone or several pipelined on one connection.
 *
 * <p>Every Produce answer with error 0 is an acknowledgement: its records, as sent, must be at the
 * offsets it gives after a restart; a batch acknowledged whose CRC or records do not verify as sent
 * is a finding at once.
 */
public final class KafkaFuzzer implements DoorFuzzer {
  private static final int ALTER_CONFIGS_TOPIC = 2;

  /** More records per batch byte than even a compressed batch of empty records can hold. */
  private static final int MAX_RECORDS_PER_BYTE = 64;

  /** A batch (or several) inside a Produce frame, and the size field before it. */
  record Region(int prefixStart, int start, int length, boolean compact) {}

  /** One request frame of the corpus, without its size prefix. */
  record Unit(String origin, byte[] body, boolean produce, List<Region> regions) {}

  /** One mutated frame as sent: its size prefix and body, and what parsing it found. */
  record Sent(byte[] frame, RequestHeader header, AbstractRequest request, String how) {}

  /** What a connection sent, for {@link #settle}. */
  record Sending(List<Sent> frames) {
    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder();
      for (Sent s : frames) {
        sb.append(
                s.header() == null
                    ? "(unparseable)"
                    : s.header().apiKey() + " v" + s.header().apiVersion())
            .append(" from ")
            .append(s.how())
            .append('\n');
      }
      return sb.toString();
    }
  }

  private final List<Unit> units = new ArrayList<>();
  private final List<Unit> produceUnits = new ArrayList<>();
  private final List<byte[]> bodies = new ArrayList<>();

  private final Mix mix;

  public KafkaFuzzer(Mix mix) {
    this.mix = mix;
    for (Corpus.Connection c : Corpus.load(Door.KAFKA)) {
      ByteBuffer b = ByteBuffer.wrap(c.bytes());
      int n = 0;
      while (b.remaining() >= 4) {
        int size = b.getInt();
        if (size < 0 || size > b.remaining()) {
          break;
        }
        byte[] body = new byte[size];
        b.get(body);
        Unit u = unit(c.name() + "#" + n++, body);
        units.add(u);
        bodies.add(body);
        if (u.produce()) {
          produceUnits.add(u);
        }
      }
    }
    if (produceUnits.isEmpty()) {
      throw new IllegalStateException("the Kafka corpus holds no Produce request");
    }
  }

  /**
   * Replaces, in every unit, the topic ids the corpus was recorded with by those the topics of the
   * same names have on {@code server}; ids are 16 bytes that no other field of a request matches.
   */
  @Override
  public void bind(ServerProcess server) throws Exception {
    String recorded = Corpus.text(Door.KAFKA, FuzzTargets.TOPIC_IDS_FILE);
    if (recorded == null) {
      return;
    }
    Map<String, String> now = FuzzTargets.topicIds(server);
    for (String line : recorded.split("\n")) {
      String[] f = line.strip().split(" ");
      if (f.length != 2 || !now.containsKey(f[0])) {
        continue;
      }
      byte[] from = uuidBytes(Uuid.fromString(f[1]));
      byte[] to = uuidBytes(Uuid.fromString(now.get(f[0])));
      for (Unit u : units) {
        replaceAll(u.body(), from, to);
      }
    }
  }

  private static byte[] uuidBytes(Uuid id) {
    return ByteBuffer.allocate(16)
        .putLong(id.getMostSignificantBits())
        .putLong(id.getLeastSignificantBits())
        .array();
  }

  private static void replaceAll(byte[] in, byte[] from, byte[] to) {
    for (int i = 0; i + from.length <= in.length; i++) {
      if (java.util.Arrays.equals(in, i, i + from.length, from, 0, from.length)) {
        System.arraycopy(to, 0, in, i, to.length);
      }
    }
  }

  private static Unit unit(String origin, byte[] body) {
    Parsed p = parse(body);
    List<Region> regions = new ArrayList<>();
    if (p != null && p.request() instanceof ProduceRequest pr) {
      boolean compact = p.header().apiVersion() >= 9;
      for (ProduceRequestData.TopicProduceData t : pr.data().topicData()) {
        for (ProduceRequestData.PartitionProduceData pd : t.partitionData()) {
          if (pd.records() instanceof MemoryRecords mr && mr.buffer().hasArray()) {
            ByteBuffer rb = mr.buffer();
            int start = rb.arrayOffset() + rb.position();
            int length = rb.remaining();
            int prefix = compact ? varintStart(body, start, length + 1) : start - 4;
            if (prefix >= 0) {
              regions.add(new Region(prefix, start, length, compact));
            }
          }
        }
      }
    }
    return new Unit(origin, body, !regions.isEmpty(), List.copyOf(regions));
  }

  /** Where the unsigned varint {@code value} that ends at {@code end} starts, or -1. */
  private static int varintStart(byte[] body, int end, int value) {
    for (int start = end - 1; start >= Math.max(0, end - 5); start--) {
      ByteBuffer b = ByteBuffer.wrap(body, start, end - start);
      try {
        if (new ByteBufferAccessor(b).readUnsignedVarint() == value && !b.hasRemaining()) {
          return start;
        }
      } catch (RuntimeException e) {
        // Not a varint starting here.
      }
    }
    return -1;
  }

  record Parsed(RequestHeader header, AbstractRequest request) {}

  /** The frame body parsed as Kafka's own classes parse it, or null when they refuse it. */
  static Parsed parse(byte[] body) {
    try {
      ByteBuffer b = ByteBuffer.wrap(body);
      RequestHeader h = RequestHeader.parse(b);
      AbstractRequest req =
          AbstractRequest.parseRequest(h.apiKey(), h.apiVersion(), new ByteBufferAccessor(b))
              .request;
      return new Parsed(h, req);
    } catch (RuntimeException e) {
      return null;
    }
  }

  @Override
  public Door door() {
    return Door.KAFKA;
  }

  @Override
  public int seedCount() {
    return units.size();
  }

  @Override
  public Plan plan(SplittableRandom r) {
    int count = r.nextInt(10) < 6 ? 1 : 2 + r.nextInt(5);
    List<Sent> frames = new ArrayList<>(count);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    boolean intact = true;
    int expected = 0;
    for (int i = 0; i < count; i++) {
      Unit u =
          r.nextInt(10) < 6 ? ByteMutations.pick(produceUnits, r) : ByteMutations.pick(units, r);
      Sent s = mutate(u, r);
      frames.add(s);
      out.writeBytes(s.frame());
      int declared = ByteBuffer.wrap(s.frame()).getInt();
      if (s.request() == null || declared != s.frame().length - 4) {
        intact = false;
      } else if (!(s.request() instanceof ProduceRequest pr && pr.acks() == 0)) {
        expected++;
      }
    }
    return new Plan(out.toByteArray(), intact ? expected : 0, new Sending(frames));
  }

  /**
   * A Produce frame replayed (one in ten), or with its batches flipped, cut or spliced with bytes
   * of other frames, its size fields kept consistent (so it reaches the door's batch checks).
   */
  private Sent mutateRecords(Unit u, SplittableRandom r) {
    byte[] body;
    String how;
    int roll = r.nextInt(10);
    if (roll == 0) {
      body = u.body();
      how = "replay";
    } else if (roll < 8) {
      RecordsMutation m = RecordsMutation.apply(u, r);
      body = m.body();
      how = "records:" + m.how();
    } else {
      body = ByteMutations.splice(u.body(), ByteMutations.pick(produceUnits, r).body(), r);
      how = "splice";
    }
    byte[] frame = new byte[body.length + 4];
    ByteBuffer.wrap(frame).putInt(body.length).put(body);
    Parsed p = parse(body);
    return new Sent(
        frame,
        p == null ? null : p.header(),
        p == null ? null : p.request(),
        u.origin() + " " + how);
  }

  private Sent mutate(Unit u, SplittableRandom r) {
    byte[] body = u.body();
    Integer declared = null;
    String how;
    int roll = r.nextInt(100);
    if (roll < 15) {
      how = "replay";
    } else if (roll < 50 && u.produce()) {
      RecordsMutation m = RecordsMutation.apply(u, r);
      body = m.body();
      how = "records:" + m.how();
    } else if (roll < 65) {
      body = ByteMutations.mutate(body, 1 + r.nextInt(3), r, bodies);
      how = "bytes";
    } else if (roll < 73) {
      body = ByteMutations.mutate(body, 1 + r.nextInt(3), r, bodies);
      declared = u.body().length;
      how = "bytes-unframed";
    } else if (roll < 83) {
      body = header(body, r);
      how = "header";
    } else if (roll < 88) {
      declared = ByteMutations.interestingInt(r, body.length);
      how = "size-prefix";
    } else if (roll < 95) {
      body = ByteMutations.splice(body, ByteMutations.pick(bodies, r), r);
      how = "splice";
    } else {
      body = java.util.Arrays.copyOf(body, r.nextInt(body.length + 1));
      how = "cut";
    }
    byte[] frame = new byte[body.length + 4];
    ByteBuffer.wrap(frame).putInt(declared == null ? body.length : declared).put(body);
    Parsed p = parse(body);
    return new Sent(
        frame,
        p == null ? null : p.header(),
        p == null ? null : p.request(),
        u.origin() + " " + how);
  }

  /** Changes the request header: api key, api version, correlation id or the client id's length. */
  private static byte[] header(byte[] body, SplittableRandom r) {
    if (body.length < 10) {
      return body;
    }
    byte[] out = body.clone();
    ByteBuffer b = ByteBuffer.wrap(out);
    switch (r.nextInt(4)) {
      case 0 -> b.putShort(0, (short) r.nextInt(-2, 80));
      case 1 -> b.putShort(2, (short) r.nextInt(-2, 20));
      case 2 -> b.putInt(4, ByteMutations.interestingInt(r, 0));
      default -> b.putShort(8, (short) ByteMutations.interestingInt(r, b.getShort(8)));
    }
    return out;
  }

  @Override
  public AnswerCounter counter(Plan plan) {
    return KafkaFuzzer::completeFrames;
  }

  static int completeFrames(byte[] received, int length) {
    int count = 0;
    int at = 0;
    while (at + 4 <= length) {
      int size = ByteBuffer.wrap(received, at, 4).getInt();
      if (size < 0 || at + 4L + size > length) {
        break;
      }
      count++;
      at += 4 + size;
    }
    return count;
  }

  @Override
  public void settle(Plan plan, Exchange.Result result, Ledger ledger) {
    Sending sending = (Sending) plan.detail();
    // Answers come in request order and carry the request's correlation id; a Produce with acks=0
    // gets none, so it takes no place in the queue of its id.
    Map<Integer, Deque<Sent>> byCorrelation = new HashMap<>();
    for (Sent s : sending.frames()) {
      if (s.request() instanceof ProduceRequest pr) {
        registerVariants(pr, ledger);
        if (pr.acks() == 0) {
          continue;
        }
      }
      if (s.frame().length >= 12) {
        byCorrelation
            .computeIfAbsent(ByteBuffer.wrap(s.frame()).getInt(8), k -> new ArrayDeque<>())
            .add(s);
      }
    }
    byte[] in = result.received();
    int at = 0;
    while (at + 8 <= in.length) {
      int size = ByteBuffer.wrap(in, at, 4).getInt();
      if (size < 4 || at + 4L + size > in.length) {
        break;
      }
      ByteBuffer frame = ByteBuffer.wrap(in, at + 4, size).slice();
      at += 4 + size;
      Deque<Sent> q = byCorrelation.get(frame.getInt(0));
      Sent s = q == null ? null : q.poll();
      if (s == null || s.header() == null) {
        continue;
      }
      AbstractResponse response;
      try {
        response = AbstractResponse.parseResponse(frame, s.header());
      } catch (RuntimeException e) {
        continue;
      }
      acknowledged(s, response, ledger);
    }
  }

  private static void acknowledged(Sent s, AbstractResponse response, Ledger ledger) {
    switch (response) {
      case ProduceResponse pr when s.request() instanceof ProduceRequest req ->
          produced(s, req, pr, ledger);
      case DeleteTopicsResponse d -> {
        for (DeleteTopicsResponseData.DeletableTopicResult t : d.data().responses()) {
          if (t.errorCode() == 0) {
            if (t.name() != null) {
              ledger.excuse(t.name());
            }
            if (t.topicId() != null) {
              ledger.excuse(t.topicId().toString());
            }
          }
        }
      }
      case DeleteRecordsResponse d -> {
        for (DeleteRecordsResponseData.DeleteRecordsTopicResult t : d.data().topics()) {
          if (t.partitions().stream().anyMatch(p -> p.errorCode() == 0)) {
            ledger.excuse(t.name());
          }
        }
      }
      case AlterConfigsResponse a ->
          a.data()
              .responses()
              .forEach(
                  x ->
                      excuseConfigChange(
                          x.errorCode(), x.resourceType(), x.resourceName(), ledger));
      case IncrementalAlterConfigsResponse a ->
          a.data()
              .responses()
              .forEach(
                  x ->
                      excuseConfigChange(
                          x.errorCode(), x.resourceType(), x.resourceName(), ledger));
      default -> {
        // Other answers acknowledge nothing the oracles check.
      }
    }
  }

  private static void excuseConfigChange(short error, byte type, String name, Ledger ledger) {
    if (error != 0) {
      return;
    }
    if (type == ALTER_CONFIGS_TOPIC) {
      ledger.excuse(name);
    } else {
      ledger.excuseAll();
    }
  }

  private static void produced(Sent s, ProduceRequest req, ProduceResponse resp, Ledger ledger) {
    if (req.acks() == 0) {
      return;
    }
    // A request may name a partition more than once (a splice repeats a topic); each mention gets
    // its own answer, in order, so answers are matched to mentions by position.
    Map<String, Deque<ProduceRequestData.PartitionProduceData>> sent = new HashMap<>();
    for (ProduceRequestData.TopicProduceData d : req.data().topicData()) {
      String ref = d.name() == null || d.name().isEmpty() ? String.valueOf(d.topicId()) : d.name();
      for (ProduceRequestData.PartitionProduceData pd : d.partitionData()) {
        sent.computeIfAbsent(ref + "/" + pd.index(), k -> new ArrayDeque<>()).add(pd);
      }
    }
    for (ProduceResponseData.TopicProduceResponse t : resp.data().responses()) {
      boolean byId = t.name() == null || t.name().isEmpty();
      String topic = byId ? String.valueOf(t.topicId()) : t.name();
      for (ProduceResponseData.PartitionProduceResponse p : t.partitionResponses()) {
        Deque<ProduceRequestData.PartitionProduceData> mentions = sent.get(topic + "/" + p.index());
        ProduceRequestData.PartitionProduceData sentPartition =
            mentions == null ? null : mentions.poll();
        if (p.errorCode() != 0 || p.baseOffset() < 0) {
          continue;
        }
        if (sentPartition == null || !(sentPartition.records() instanceof MemoryRecords mr)) {
          ledger.finding(
              "Kafka: acknowledged partition "
                  + topic
                  + "-"
                  + p.index()
                  + " it was not sent ("
                  + s.how()
                  + ")");
          continue;
        }
        long offset = p.baseOffset();
        try {
          for (MutableRecordBatch batch : mr.batches()) {
            batch.ensureValid();
            long[] digests = digests(batch);
            long key = idempotencyKey(topic, p.index(), batch);
            ledger.expect(
                new Ledger.Expected(
                    topic, byId, p.index(), offset, digests, DigestKind.KAFKA, key, s.how()));
            offset += digests.length;
          }
        } catch (RuntimeException | SnappyError e) {
          ledger.finding(
              String.format(
                  "Kafka: ACKNOWLEDGED A BATCH THAT DOES NOT VERIFY as sent: %s-%d at offset %d: %s (%s)",
                  topic, p.index(), p.baseOffset(), e, s.how()));
        }
      }
    }
  }

  /** Remembers what every idempotent batch sent held, so a retry's answer can point at any. */
  private static void registerVariants(ProduceRequest req, Ledger ledger) {
    for (ProduceRequestData.TopicProduceData t : req.data().topicData()) {
      String topic = t.name() == null || t.name().isEmpty() ? t.topicId().toString() : t.name();
      for (ProduceRequestData.PartitionProduceData p : t.partitionData()) {
        if (!(p.records() instanceof MemoryRecords mr)) {
          continue;
        }
        try {
          for (MutableRecordBatch batch : mr.batches()) {
            if (batch.hasProducerId() && batch.isValid()) {
              ledger.variant(idempotencyKey(topic, p.index(), batch), digests(batch));
            }
          }
        } catch (RuntimeException | SnappyError e) {
          // A batch that does not parse cannot have been stored.
        }
      }
    }
  }

  private static long idempotencyKey(String topic, int partition, MutableRecordBatch batch) {
    if (!batch.hasProducerId()) {
      return 0;
    }
    long k =
        new RecordDigest()
            .text(topic)
            .text(
                partition
                    + "/"
                    + batch.producerId()
                    + "/"
                    + batch.producerEpoch()
                    + "/"
                    + batch.baseSequence())
            .value();
    return k == 0 ? 1 : k;
  }

  /**
   * Digests of a batch's records as Kafka's classes read them.
   *
   * @throws IllegalStateException when the header's record count cannot be true for the batch's
   *     size (kafka-clients would allocate for it before reading a record)
   */
  private static long[] digests(MutableRecordBatch batch) {
    Integer count = batch.countOrNull();
    if (count == null || count < 0 || count > MAX_RECORDS_PER_BYTE * (long) batch.sizeInBytes()) {
      throw new IllegalStateException(
          "record count " + count + " in a batch of " + batch.sizeInBytes() + " bytes");
    }
    List<Long> out = new ArrayList<>();
    for (Record rec : batch) {
      rec.ensureValid();
      RecordDigest d = new RecordDigest().bytes(rec.key()).bytes(rec.value());
      for (org.apache.kafka.common.header.Header h : rec.headers()) {
        d.text(h.key()).bytes(h.value());
      }
      out.add(d.value());
    }
    long[] a = new long[out.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = out.get(i);
    }
    return a;
  }

  /** Mutations inside the record batches of a Produce frame. */
  record RecordsMutation(byte[] body, String how) {
    static RecordsMutation apply(Unit u, SplittableRandom r) {
      Region g = ByteMutations.pick(u.regions(), r);
      byte[] region = java.util.Arrays.copyOfRange(u.body(), g.start(), g.start() + g.length());
      String how;
      switch (r.nextInt(7)) {
        case 0 -> {
          region = ByteMutations.flipBits(region, r.nextInt(region.length), 1 + r.nextInt(4), r);
          how = "flip";
        }
        case 1 -> {
          int at =
              RecordBatchLayout.ATTRIBUTES
                  + r.nextInt(region.length - RecordBatchLayout.ATTRIBUTES);
          region = ByteMutations.flipBits(region, at, 1 + r.nextInt(4), r);
          fixCrcs(region);
          how = "flip-crc-fixed";
        }
        case 2 -> {
          region = headerField(region, r);
          if (r.nextBoolean()) {
            fixCrcs(region);
            how = "batch-field-crc-fixed";
          } else {
            how = "batch-field";
          }
        }
        case 3 -> {
          region = java.util.Arrays.copyOf(region, r.nextInt(region.length));
          if (r.nextBoolean() && region.length >= RecordBatchLayout.HEADER_SIZE) {
            ByteBuffer.wrap(region).putInt(RecordBatchLayout.BATCH_LENGTH, region.length - 12);
            how = "cut-length-matched";
          } else {
            how = "cut";
          }
        }
        case 4 -> {
          byte[] twice = new byte[region.length * 2];
          System.arraycopy(region, 0, twice, 0, region.length);
          System.arraycopy(region, 0, twice, region.length, region.length);
          region = twice;
          how = "batch-twice";
        }
        case 5 -> {
          region = ByteMutations.mutate(region, 1 + r.nextInt(2), r, List.of());
          if (r.nextBoolean()) {
            fixCrcs(region);
            how = "bytes-crc-fixed";
          } else {
            how = "bytes";
          }
        }
        default -> {
          int at =
              RecordBatchLayout.RECORDS
                  + r.nextInt(Math.max(1, region.length - RecordBatchLayout.RECORDS));
          region = ByteMutations.setByte(region, Math.min(at, region.length - 1), r);
          fixCrcs(region);
          how = "record-byte-crc-fixed";
        }
      }
      return new RecordsMutation(replace(u.body(), g, region), how);
    }

    /** Sets one batch header field to an edge value. */
    private static byte[] headerField(byte[] region, SplittableRandom r) {
      if (region.length < RecordBatchLayout.HEADER_SIZE) {
        return region;
      }
      byte[] out = region.clone();
      ByteBuffer b = ByteBuffer.wrap(out);
      switch (r.nextInt(8)) {
        case 0 ->
            b.putInt(
                RecordBatchLayout.BATCH_LENGTH,
                ByteMutations.interestingInt(r, region.length - 12));
        case 1 ->
            b.putInt(
                RecordBatchLayout.RECORD_COUNT,
                ByteMutations.interestingInt(r, b.getInt(RecordBatchLayout.RECORD_COUNT)));
        case 2 ->
            b.putInt(
                RecordBatchLayout.LAST_OFFSET_DELTA,
                ByteMutations.interestingInt(r, b.getInt(RecordBatchLayout.LAST_OFFSET_DELTA)));
        case 3 -> b.put(RecordBatchLayout.MAGIC, (byte) r.nextInt(-1, 4));
        case 4 -> b.putShort(RecordBatchLayout.ATTRIBUTES, (short) r.nextInt(0, 128));
        case 5 ->
            b.putLong(RecordBatchLayout.PRODUCER_ID, r.nextBoolean() ? -1L : r.nextLong(0, 10_000));
        case 6 -> b.putInt(RecordBatchLayout.BASE_SEQUENCE, ByteMutations.interestingInt(r, 0));
        default ->
            b.putLong(RecordBatchLayout.MAX_TIMESTAMP, r.nextBoolean() ? -1L : Long.MAX_VALUE);
      }
      return out;
    }

    /** Recomputes the CRC32C of every batch in the region whose header is whole. */
    private static void fixCrcs(byte[] region) {
      ByteBuffer b = ByteBuffer.wrap(region);
      int at = 0;
      for (int guard = 0;
          guard < 1000 && at + RecordBatchLayout.HEADER_SIZE <= region.length;
          guard++) {
        int size = RecordBatchLayout.batchLength(b, at) + RecordBatchLayout.LOG_OVERHEAD;
        int within = Math.min(size, region.length - at);
        if (within < RecordBatchLayout.HEADER_SIZE) {
          return;
        }
        b.putInt(at + RecordBatchLayout.CRC, RecordBatchLayout.computeCrc(b, at, within));
        if (size <= 0 || size > region.length - at) {
          return;
        }
        at += size;
      }
    }

    /** The body with the region replaced and the records size field before it rewritten. */
    private static byte[] replace(byte[] body, Region g, byte[] region) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + region.length);
      out.write(body, 0, g.prefixStart());
      ByteBuffer size = ByteBuffer.allocate(5);
      if (g.compact()) {
        new ByteBufferAccessor(size).writeUnsignedVarint(region.length + 1);
      } else {
        size.putInt(region.length);
      }
      out.write(size.array(), 0, size.position());
      out.writeBytes(region);
      out.write(body, g.start() + g.length(), body.length - g.start() - g.length());
      return out.toByteArray();
    }
  }
}
