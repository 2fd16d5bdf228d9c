package io.watershed.fuzz;

import java.util.List;

/**
 * Defects the fuzzer found that are reported and not fixed yet, each with the issue text and what
 * identifies its findings. A finding matched here is reported as known instead of failing a run;
 * every other finding fails it. An entry is removed when its fix lands (the run then fails if the
 * defect comes back).
 */
public final class KnownDefects {
  /**
   * One reported defect.
   *
   * @param name a short name, printed with each finding it matches
   * @param issue what happens, for whoever fixes it
   * @param markers texts of which every finding (or ERROR log excerpt) of this defect contains one
   */
  public record Defect(String name, String issue, List<String> markers) {
    boolean matches(String finding) {
      return markers.stream().anyMatch(finding::contains);
    }
  }

  /** The defects known today. */
  public static final List<Defect> ALL =
      List.of(
          new Defect(
              "kafka-malformed-produce-error-response",
              "Kafka door: a Produce request whose body does not parse is answered through"
                  + " EmptyRequests.of(PRODUCE), a default ProduceRequest with acks=0, whose"
                  + " getErrorResponse returns null; KafkaConnection.fail then throws"
                  + " NullPointerException, logs ERROR 'cannot encode an error response' and"
                  + " answers a bare 6-byte error frame that is no Produce response (a v9+ client"
                  + " cannot parse it). Reproduce: bin/fuzz replay --door kafka --seed 42 --input 9.",
              List.of("because \"body\" is null")),
          new Defect(
              "kafka-produce-null-records",
              "Kafka door: a Produce request whose partition carries null records (the records"
                  + " field's length -1) makes ProduceHandler.handle throw NullPointerException"
                  + " (MemoryRecords.firstBatch() on null, ProduceHandler.java:107), logged as ERROR"
                  + " 'unexpected error serving a Kafka request'; building the error response then"
                  + " throws again (PartitionProduceData.records() is null) and the client gets a"
                  + " bare UNKNOWN_SERVER_ERROR frame. Kafka answers INVALID_RECORD / CORRUPT_MESSAGE"
                  + " for the partition. Reproduce: bin/fuzz replay --door kafka --seed 42 --input"
                  + " 186 --to 186.",
              List.of("because \"records\" is null", "records()\" is null")),
          new Defect(
              "kafka-produce-batch-length-overflow",
              "Kafka door: a Produce batch whose batchLength is near Integer.MAX_VALUE makes"
                  + " ProduceRequest.validateRecords (called by ProduceHandler.handle, line 101) throw"
                  + " IllegalArgumentException 'newLimit < 0' from ByteBufferLogInputStream.nextBatch"
                  + " (position + length overflows); it is logged as ERROR 'unexpected error serving"
                  + " a Kafka request' and answered UNKNOWN_SERVER_ERROR instead of CORRUPT_MESSAGE."
                  + " Reproduce: bin/fuzz replay --door kafka --seed 20261207 --input 13500 (its"
                  + " second frame: batchLength 0x7fffffff, CRC recomputed).",
              List.of("newLimit < 0")),
          new Defect(
              "http-answers-out-of-order",
              "Admin HTTP (port 8080), and the Kinesis door for (a): answers to pipelined requests are written out of order."
                  + " (a) A request that Netty's codec or HttpObjectAggregator refuses — 413 with an"
                  + " empty body for a body over 1 MiB, a bare 400 for some heads — is answered at"
                  + " once, ahead of the answers still due to the requests before it. (b)"
                  + " HttpRequestHandler orders its calls to write(), not the writes: an answer"
                  + " completed on the blocking pool is written with ctx.writeAndFlush from that"
                  + " thread (queued to the event loop), while the next one, already complete when"
                  + " channelRead0 chains it, is written on the event loop at once and overtakes it."
                  + " An HTTP/1.1 client then pairs answers with the wrong requests (one produce's"
                  + " offsets with another's). Reproduce (a): bin/fuzz replay --door admin --seed"
                  + " 20261207 --input 983 (answers 413, 400, 200, 200, 200 where 400, 200, 413,"
                  + " 200, 200 was due); (b): send a valid produce and one with \"encoding\": -1"
                  + " pipelined on one connection, 480 times from 8 threads: one came back 400, 200."
                  + " Kinesis (a): bin/fuzz replay --writes-only --door kinesis --seed 42 --input"
                  + " 229742 (a PutRecord, then a request whose Content-Length is refused: the 413"
                  + " comes first, and the long run paired the put's sequence number wrongly).",
              List.of("HTTP/1.1 ANSWERS OUT OF ORDER")),
          new Defect(
              "kafka-snappy-chunk-allocation-crash",
              "Kafka door (and the log's RecordLayout.recordsSection, which every append's"
                  + " validation calls): a Produce batch compressed with snappy whose xerial chunk"
                  + " length (4 bytes after the 16-byte stream header) is large but under"
                  + " snappy-java's 512 MiB cap makes SnappyInputStream allocate that many bytes;"
                  + " the batch's CRC32C is valid, so validation decompresses it. A few such"
                  + " ~200-byte requests throw OutOfMemoryError (an Error, not caught as a corrupt"
                  + " batch) and -XX:+ExitOnOutOfMemoryError ends the server: 'Terminating due to"
                  + " java.lang.OutOfMemoryError: Java heap space'. The decompressed size needs a"
                  + " bound too (max.message.bytes): recordsSection inflates without one. Reproduced"
                  + " by hand against bin/watershed's JVM options (-Xmx1g): three 156-byte Produce v9"
                  + " requests, each one snappy batch with chunk length 0x1fffffff and its CRC"
                  + " recomputed, sent on three connections; the server exits within a second.",
              List.of("Terminating due to java.lang.OutOfMemoryError")),
          new Defect(
              "kafka-metadata-response-null-field",
              "Kafka door: some malformed Metadata requests get a response that cannot be encoded:"
                  + " MetadataResponseData$MetadataResponseTopic.write throws NullPointerException"
                  + " (a field the answered version does not allow null, as MetadataHandler fills it"
                  + " from the request), logged as ERROR 'cannot encode METADATA response' and"
                  + " 'unexpected error serving a Kafka request'; the client gets a bare error frame."
                  + " Reproduce: bin/fuzz replay --door kafka --seed 42 --input 148288 (its fourth"
                  + " frame, a Metadata v0 request).",
              List.of("MetadataResponseTopic.write", "cannot encode METADATA response")),
          new Defect(
              "kafka-fetch-wait-race",
              "Kafka door: FetchHandler.Attempt can run on two io threads at once — run() clears"
                  + " 'queued' before attempt(), so a wake() during an attempt queues a second run —"
                  + " and the two share the unsynchronised ArrayList 'waitingOn': stopWaiting()"
                  + " throws ConcurrentModificationException (FetchHandler.java:276) while the other"
                  + " adds to it, logged as ERROR 'unexpected error serving a Kafka request'; the"
                  + " fetch fails, and waiters registered by the other run may never be cancelled."
                  + " Any long-polling consumer whose partition is appended to meanwhile can hit it.",
              List.of("FetchHandler$Attempt.stopWaiting")),
          new Defect(
              "topic-config-whitespace",
              "Kafka door / core: a topic config value with surrounding whitespace (CreateTopics"
                  + " with retention.ms='360000 ') passes the metadata validation and is stored, but"
                  + " LogConfig.fromCompleteMap parses it with Long.parseLong: the partition logs are"
                  + " not opened ('partition logs did not follow command N (CreateTopic ...)',"
                  + " ERROR), and describing the topic's configs (CreateTopics' answer,"
                  + " TopicConfigDescriber) throws NumberFormatException (ERROR 'unexpected error"
                  + " serving a Kafka request'). The topic exists with no usable partitions.",
              List.of(
                  "partition logs did not follow command",
                  "at io.watershed.log.LogConfig.fromCompleteMap")),
          new Defect(
              "eventstore-persistent-subscription-nul-stream",
              "Event store: creating a persistent subscription group on a stream whose name holds"
                  + " a NUL character succeeds (PersistentSubscriptions/Create) and the group is"
                  + " written to the definitions; at the next start PersistentSubscriptions.load"
                  + " throws InvalidEventException for it ('the stream name contains a NUL"
                  + " character') and stops: that group and every group defined after it are gone"
                  + " (ERROR 'The persistent subscription definitions cannot be read'). Reproduced"
                  + " with the KurrentDB client: groups on 'orders', 'bad<NUL>stream' and"
                  + " 'shipping'; after a restart only the one on 'orders' is listed.",
              List.of("The persistent subscription definitions cannot be read")),
          new Defect(
              "kinesis-h2c-request-leak",
              "Kinesis door over h2c: the FullHttpRequest that Http2StreamFrameToHttpObjectCodec"
                  + " makes from a HEADERS frame ending the stream (HttpConversionUtil"
                  + ".toFullHttpRequest) is, on some damaged connection, never released: Netty's"
                  + " leak detector (which samples about 1 % of buffers) logged ERROR 'LEAK:"
                  + " ByteBuf.release() was not called' once in 300,000 Kinesis inputs of the long"
                  + " run, so direct memory leaks at about a hundred times that rate.",
              List.of("HttpConversionUtil.toFullHttpRequest")),
          new Defect(
              "eventstore-grpc-logs-per-bad-request",
              "Event store: grpc-java logs through java.util.logging, past logback, at SEVERE with a"
                  + " stack trace for every request message that is no valid protobuf ('SEVERE:"
                  + " Exception while executing runnable ...MessagesAvailable' /"
                  + " 'StatusRuntimeException: INTERNAL: Invalid protobuf byte sequence': 9,350 in"
                  + " 100,000 inputs), and at INFO with a stack trace for every connection with an"
                  + " HTTP/2 protocol error ('Transport failed': 29,685): 263 MB of log in one phase"
                  + " of the long run. A client can fill the disk with log.",
              List.of("SEVERE: Exception while executing runnable")),
          new Defect(
              "stop-budget-with-many-partitions",
              "Server: a clean stop has a fixed budget of 5 s; with ~10,000 partitions (fuzzed"
                  + " CreateTopics and CreatePartitions made 'fuzz-ordazs' with 8,195 partitions and"
                  + " 'fUZz-admin' with 2,570 — no limit refuses them) closing them takes longer"
                  + " (191 ms, 521 ms, 1 s, then > 5 s as they grew), the server logs ERROR 'did not"
                  + " stop cleanly within 5 s; exiting anyway' and exits with 1 on SIGTERM, so the"
                  + " next start recovers every partition.",
              List.of("did not stop cleanly within 5 s", "exited with 1 on SIGTERM")));

  private KnownDefects() {}

  /** The known defect a finding belongs to, or null when it is new. */
  public static Defect match(String finding) {
    for (Defect d : ALL) {
      if (d.matches(finding)) {
        return d;
      }
    }
    return null;
  }
}
