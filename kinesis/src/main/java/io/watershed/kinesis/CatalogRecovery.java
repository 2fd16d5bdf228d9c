package io.watershed.kinesis;

import io.watershed.core.metadata.TopicMetadata;
import io.watershed.core.topic.TopicStore;
import io.watershed.kinesis.catalog.ShardEntry;
import io.watershed.kinesis.catalog.StreamEntry;
import io.watershed.log.PartitionLog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes at start-up what a crash interrupted, so that the catalog and the topics agree again:
 *
 * <ul>
 *   <li>CREATING: ACTIVE when the topic was created, else forgotten (the client got no answer);
 *   <li>DELETING: the topic is deleted and the entry forgotten;
 *   <li>a shard left CLOSING: closed at its log end (nothing is in flight after a restart), and the
 *       stream ACTIVE again;
 *   <li>an entry whose topic is gone or was re-created (deleted through another door): forgotten.
 * </ul>
 */
final class CatalogRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(CatalogRecovery.class);

  private CatalogRecovery() {}

  static void recover(KinesisContext ctx) throws IOException, InterruptedException {
    TopicStore topics = ctx.topics();
    for (StreamEntry e : new ArrayList<>(ctx.catalog().entries().values())) {
      Optional<TopicMetadata> topic = topics.describe(e.name());
      switch (e.status()) {
        case StreamEntry.CREATING -> {
          if (topic.isPresent()) {
            ctx.catalog().put(e.withTopicId(topic.get().topicId()).withStatus(StreamEntry.ACTIVE));
          } else {
            ctx.catalog().remove(e.name());
          }
        }
        case StreamEntry.DELETING -> {
          if (topic.isPresent() && topic.get().topicId().equals(e.topicId())) {
            try {
              topics.delete(e.name()).get();
            } catch (ExecutionException ex) {
              LOG.warn("could not finish deleting stream {}: {}", e.name(), ex.getCause());
              continue;
            }
          }
          ctx.catalog().remove(e.name());
        }
        default -> {
          if (topic.isEmpty() || !topic.get().topicId().equals(e.topicId())) {
            LOG.info("forgetting Kinesis stream {}: its topic was deleted", e.name());
            ctx.catalog().remove(e.name());
          } else if (e.status().equals(StreamEntry.UPDATING)) {
            List<ShardEntry> shards = new ArrayList<>();
            for (ShardEntry s : e.shards()) {
              if (s.endOffset() == ShardEntry.CLOSING) {
                PartitionLog log = topics.partition(e.name(), s.partition()).orElseThrow();
                shards.add(s.closed(log.logEndOffset()));
              } else {
                shards.add(s);
              }
            }
            ctx.catalog().put(e.withShards(shards).withStatus(StreamEntry.ACTIVE));
          }
        }
      }
    }
  }
}
