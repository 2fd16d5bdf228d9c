package io.watershed.kafka.handlers;

import io.watershed.core.metadata.TopicMetadata;
import io.watershed.kafka.ApiHandler;
import io.watershed.kafka.KafkaBroker;
import io.watershed.kafka.KafkaRequest;
import io.watershed.log.PartitionLog;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsRequestData.DescribableLogDirTopic;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsPartition;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsResult;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeLogDirsRequest;
import org.apache.kafka.common.requests.DescribeLogDirsResponse;

/**
 * DescribeLogDirs (v1-5): the one log directory, with the size in bytes of each partition asked for
 * (all of them when the request names no topics; unknown topics and partitions are left out, as in
 * Kafka) and the total and usable bytes of the volume it is on. The offset lag is 0: there is no
 * replica to lag behind. A volume that cannot be read is {@code KAFKA_STORAGE_ERROR} for the
 * directory. Sizes may open partition files, so the request is served off the event loop.
 */
final class DescribeLogDirsHandler implements ApiHandler {
  private final KafkaBroker broker;

  DescribeLogDirsHandler(KafkaBroker broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.DESCRIBE_LOG_DIRS;
  }

  @Override
  public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
    DescribeLogDirsRequestData req = request.body(DescribeLogDirsRequest.class).data();
    return CompletableFuture.supplyAsync(() -> describe(req), broker.io());
  }

  private AbstractResponse describe(DescribeLogDirsRequestData req) {
    Path root = broker.topics().logs().config().root().toAbsolutePath();
    DescribeLogDirsResult dir =
        new DescribeLogDirsResult().setLogDir(root.toString()).setIsCordoned(false);
    try {
      FileStore volume = Files.getFileStore(root);
      dir.setTotalBytes(volume.getTotalSpace()).setUsableBytes(volume.getUsableSpace());
      dir.setErrorCode(Errors.NONE.code()).setTopics(topics(req));
    } catch (IOException e) {
      dir.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
    }
    return new DescribeLogDirsResponse(
        new DescribeLogDirsResponseData()
            .setThrottleTimeMs(0)
            .setErrorCode(Errors.NONE.code())
            .setResults(List.of(dir)));
  }

  private List<DescribeLogDirsTopic> topics(DescribeLogDirsRequestData req) {
    List<DescribeLogDirsTopic> out = new ArrayList<>();
    if (req.topics() == null) {
      for (TopicMetadata t : broker.topics().list()) {
        List<Integer> all = new ArrayList<>();
        for (int p = 0; p < t.partitionCount(); p++) {
          all.add(p);
        }
        add(out, t.name(), all);
      }
    } else {
      for (DescribableLogDirTopic t : req.topics()) {
        add(out, t.topic(), t.partitions());
      }
    }
    return out;
  }

  private void add(List<DescribeLogDirsTopic> out, String topic, List<Integer> partitions) {
    List<DescribeLogDirsPartition> sizes = new ArrayList<>();
    for (int p : partitions) {
      Optional<PartitionLog> log = broker.topics().partition(topic, p);
      if (log.isEmpty()) {
        continue;
      }
      long size;
      try {
        size = log.get().sizeInBytes();
      } catch (RuntimeException e) {
        // Deleted or failed while we looked: it is not on this directory any more.
        continue;
      }
      sizes.add(
          new DescribeLogDirsPartition()
              .setPartitionIndex(p)
              .setPartitionSize(size)
              .setOffsetLag(0)
              .setIsFutureKey(false));
    }
    if (!sizes.isEmpty()) {
      out.add(new DescribeLogDirsTopic().setName(topic).setPartitions(sizes));
    }
  }
}
