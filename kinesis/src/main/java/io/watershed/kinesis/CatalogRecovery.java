package io.watershed.kinesis;

import io.watershed.core.metadata.TopicMetadata;
import io.watershed.core.topic.TopicStore;
import io.watershed.kinesis.catalog.ShardEntry;
import io.watershed.kinesis.catalog.StreamEntry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes at start-up what a crash interrupted, so that the catalog and the topics agree again:
 *
 * <ul>
 *   <li>CREATING: ACTIVE when the topic was created, else forgotten (the client got no answer);
 *   <li>DELETING: the topic is deleted and the entry forgotten;
 *   <li>UPDATING: the resharding step in progress is finished ({@link #finishResharding}) and the
 *       stream is ACTIVE again; later steps of an UpdateShardCount are not taken;
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
            ctx.catalog()
                .put(
                    e.with(
                        b -> {
                          b.topicId = topic.get().topicId();
                          b.status = StreamEntry.ACTIVE;
                        }));
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
            finishResharding(ctx, e);
          }
        }
      }
    }
  }

  /**
   * Rolls an interrupted resharding step forward: the partitions of pending shards are created and
   * those shards opened; every parent of a child that is still open or closing is closed at its log
   * end (nothing is in flight to it any more: the door has restarted, or the step failed after the
   * drain); the stream turns ACTIVE.
   */
  static void finishResharding(KinesisContext ctx, StreamEntry e) throws IOException {
    if (e == null) {
      return;
    }
    Resharder.growTopic(ctx, e);
    List<ShardEntry> shards = new ArrayList<>(e.shards());
    Set<Integer> parents = new HashSet<>();
    for (int i = 0; i < shards.size(); i++) {
      ShardEntry s = shards.get(i);
      if (s.isPending()) {
        shards.set(i, s.opened());
      }
      if (!s.isClosed() && s.parent() >= 0) {
        parents.add(s.parent());
        if (s.adjacentParent() >= 0) {
          parents.add(s.adjacentParent());
        }
      }
    }
    long now = ctx.now();
    for (int p : parents) {
      ShardEntry s = shards.get(p);
      if (!s.isClosed()) {
        ShardEntry closing = s.isOpen() ? s.closing(now) : s;
        shards.set(p, closing.closed(ctx.log(e, p).logEndOffset()));
      }
    }
    ctx.catalog()
        .update(
            e.name(),
            (current, catalog) ->
                current == null
                    ? null
                    : current.with(
                        b -> {
                          b.shards = shards;
                          b.status = StreamEntry.ACTIVE;
                        }));
  }
}
