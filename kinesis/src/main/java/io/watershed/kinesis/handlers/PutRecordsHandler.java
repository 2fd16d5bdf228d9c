package io.watershed.kinesis.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.watershed.kinesis.KinesisContext;
import io.watershed.kinesis.KinesisException;
import io.watershed.kinesis.KinesisRequest;
import io.watershed.kinesis.OperationHandler;
import io.watershed.kinesis.PutSupport;
import io.watershed.kinesis.SequenceNumbers;
import io.watershed.kinesis.catalog.ShardEntry;
import io.watershed.kinesis.catalog.StreamEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * PutRecords: 1 to 500 records, at most 5 MiB of data and keys in all. A malformed record fails the
 * whole request (as in Kinesis); a failed append fails only the records it carried, each with its
 * own ErrorCode and ErrorMessage, counted in FailedRecordCount.
 */
final class PutRecordsHandler implements OperationHandler {
  static final int MAX_RECORDS = 500;
  static final int MAX_REQUEST_BYTES = 5 * 1024 * 1024;

  private final KinesisContext ctx;

  PutRecordsHandler(KinesisContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public String operation() {
    return "PutRecords";
  }

  @Override
  public CompletableFuture<ObjectNode> handle(KinesisRequest req) {
    StreamEntry s = ctx.requireReadyStream(req);
    JsonNode records = req.member("Records");
    if (records == null) {
      throw KinesisRequest.missing("Records");
    }
    if (!records.isArray()) {
      throw KinesisException.serialization("Expected a list for Records");
    }
    if (records.isEmpty() || records.size() > MAX_RECORDS) {
      throw KinesisException.validation(
          "1 validation error detected: Value '"
              + records.size()
              + " records' at 'records' failed to satisfy constraint: Member must have length"
              + " between 1 and "
              + MAX_RECORDS);
    }
    List<PutSupport.Entry> entries = new ArrayList<>(records.size());
    long total = 0;
    for (JsonNode r : records) {
      if (!r.isObject()) {
        throw KinesisException.serialization("Expected a structure in Records");
      }
      PutSupport.Entry e = PutSupport.entry(req, r);
      total += e.size();
      entries.add(e);
    }
    if (total > MAX_REQUEST_BYTES) {
      throw KinesisException.invalidArgument(
          "Records size exceeds " + MAX_REQUEST_BYTES + " bytes: " + total);
    }
    return PutSupport.append(ctx, s, entries, req.replies())
        .thenApply(
            outcomes -> {
              ObjectNode out = req.newObject();
              int failed = 0;
              for (PutSupport.Outcome o : outcomes) {
                failed += o.failed() ? 1 : 0;
              }
              out.putPOJO(
                  "Records",
                  new StreamedArray(
                      g -> {
                        for (PutSupport.Outcome o : outcomes) {
                          g.writeStartObject();
                          if (o.failed()) {
                            g.writeStringField("ErrorCode", o.errorCode());
                            g.writeStringField("ErrorMessage", o.errorMessage());
                          } else {
                            g.writeStringField(
                                "SequenceNumber", SequenceNumbers.of(o.partition(), o.offset()));
                            g.writeStringField("ShardId", ShardEntry.shardId(o.partition()));
                          }
                          g.writeEndObject();
                        }
                      }));
              out.put("FailedRecordCount", failed);
              out.put("EncryptionType", s.encryptionType());
              return out;
            });
  }
}
