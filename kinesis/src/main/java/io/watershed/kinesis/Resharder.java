package io.watershed.kinesis;

import io.watershed.core.metadata.TopicRules;
import io.watershed.kinesis.catalog.ShardEntry;
import io.watershed.kinesis.catalog.StreamEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resharding (SplitShard, MergeShards, UpdateShardCount) as a series of steps; each step closes
 * some open shards (the parents) and opens their children, which are new partitions of the stream's
 * topic. One step:
 *
 * <ol>
 *   <li>the catalog gets the children as PENDING shards (the stream is UPDATING from the first step
 *       on, which also refuses a second resharding);
 *   <li>the topic grows to hold their partitions;
 *   <li>in one catalog change the parents turn CLOSING and the children OPEN, so every new append
 *       is routed to a child;
 *   <li>once the appends already routed to a parent have completed ({@link
 *       KinesisContext#appendsInFlight}), the parent is closed at its log end: a reader that reads
 *       a parent to that end and then its children loses and repeats nothing.
 * </ol>
 *
 * The stream is ACTIVE again after the last step. A crash in between is finished at the next start
 * by {@link CatalogRecovery}. Everything here blocks: it runs on the io pool.
 */
public final class Resharder {
  private static final Logger LOG = LoggerFactory.getLogger(Resharder.class);

  /** How long a closing shard may wait for the appends routed to it. */
  static final long DRAIN_TIMEOUT_MS = 30_000;

  /**
   * A shard to create.
   *
   * @param start first hash key
   * @param end last hash key
   * @param parent the shard it continues
   * @param adjacentParent the other parent of a merge, or -1
   */
  public record Child(BigInteger start, BigInteger end, int parent, int adjacentParent) {}

  private final KinesisContext ctx;

  public Resharder(KinesisContext ctx) {
    this.ctx = ctx;
  }

  /**
   * Reshards {@code stream} by the steps {@code plan} returns, asked again after each step until it
   * returns none. Its first answer is checked against the stream's state under the catalog's lock
   * and may throw the request's error.
   *
   * @return the stream once ACTIVE again, on the io pool
   */
  public CompletableFuture<StreamEntry> reshard(
      String stream, Function<StreamEntry, List<Child>> plan) {
    return CompletableFuture.supplyAsync(() -> run(stream, plan), ctx.io());
  }

  private StreamEntry run(String name, Function<StreamEntry, List<Child>> plan) {
    StreamEntry s;
    try {
      s = ctx.catalog().update(name, (current, catalog) -> begin(name, plan, catalog));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      while (s.shards().stream().anyMatch(ShardEntry::isPending)) {
        List<Child> next = plan.apply(step(s));
        s =
            ctx.catalog()
                .update(
                    name,
                    (current, catalog) ->
                        next.isEmpty()
                            ? current.withStatus(StreamEntry.ACTIVE)
                            : withPending(current, next));
      }
      return s;
    } catch (IOException | RuntimeException e) {
      LOG.warn("resharding of stream {} failed; finishing its step: {}", name, e.toString());
      try {
        CatalogRecovery.finishResharding(ctx, ctx.catalog().entries().get(name));
      } catch (IOException | RuntimeException again) {
        LOG.error("stream {} stays UPDATING until the next start: {}", name, again.toString());
      }
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }

  private StreamEntry begin(
      String name,
      Function<StreamEntry, List<Child>> plan,
      SortedMap<String, StreamEntry> catalog) {
    StreamEntry current = ctx.stream(name, catalog).orElseThrow(() -> ctx.notFound(name));
    if (!current.status().equals(StreamEntry.ACTIVE)) {
      throw ctx.notActive(current);
    }
    List<Child> children = plan.apply(current);
    if (children.isEmpty()) {
      return current;
    }
    int partitions =
        ctx.topics().describe(name).orElseThrow(() -> ctx.notFound(name)).partitionCount();
    if (partitions != current.shards().size()) {
      // Partitions added through another door hold records no shard describes; a child must not
      // take one of them over.
      throw KinesisException.invalidArgument(
          "Stream "
              + name
              + " has "
              + partitions
              + " partitions but "
              + current.shards().size()
              + " shards: partitions were added to its topic outside Kinesis, so it cannot be"
              + " resharded.");
    }
    Set<Integer> parents = parents(children);
    int open = 0;
    for (StreamEntry other : ctx.streams(catalog)) {
      open += other.openShardCount();
    }
    int added = children.size() - parents.size();
    if (added > 0) {
      ctx.checkShardLimit(open, added);
    }
    if (current.shards().size() + children.size() > TopicRules.MAX_PARTITIONS) {
      throw KinesisException.limitExceeded(
          "Stream "
              + name
              + " would have more than "
              + TopicRules.MAX_PARTITIONS
              + " shards, open and closed, over its lifetime.");
    }
    return withPending(current.withStatus(StreamEntry.UPDATING), children);
  }

  private static Set<Integer> parents(List<Child> children) {
    Set<Integer> parents = new HashSet<>();
    for (Child c : children) {
      parents.add(c.parent());
      if (c.adjacentParent() >= 0) {
        parents.add(c.adjacentParent());
      }
    }
    return parents;
  }

  private StreamEntry withPending(StreamEntry s, List<Child> children) {
    long now = ctx.now();
    return s.with(
        b -> {
          for (Child c : children) {
            b.shards.add(
                ShardEntry.pending(
                    b.shards.size(), c.start(), c.end(), c.parent(), c.adjacentParent(), now));
          }
        });
  }

  /**
   * Steps 2 to 4: partitions, switch-over, drain and close. Returns the entry with parents closed.
   */
  private StreamEntry step(StreamEntry s) throws IOException {
    String name = s.name();
    growTopic(ctx, s);
    Set<Integer> parents = new HashSet<>();
    for (ShardEntry sh : s.shards()) {
      if (sh.isPending()) {
        parents.add(sh.parent());
        if (sh.adjacentParent() >= 0) {
          parents.add(sh.adjacentParent());
        }
      }
    }
    long now = ctx.now();
    StreamEntry switched =
        ctx.catalog()
            .update(
                name,
                (current, catalog) ->
                    current.with(
                        b -> {
                          for (int i = 0; i < b.shards.size(); i++) {
                            ShardEntry sh = b.shards.get(i);
                            if (sh.isPending()) {
                              b.shards.set(i, sh.opened());
                            } else if (parents.contains(i) && sh.isOpen()) {
                              b.shards.set(i, sh.closing(now));
                            }
                          }
                        }));
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_TIMEOUT_MS);
    for (int p : parents) {
      while (ctx.appendsInFlight(name, p) > 0 && System.nanoTime() < deadline) {
        sleepBriefly();
      }
    }
    return ctx.catalog()
        .update(
            name,
            (current, catalog) ->
                current.with(
                    b -> {
                      for (int p : parents) {
                        ShardEntry sh = b.shards.get(p);
                        if (sh.endOffset() == ShardEntry.CLOSING) {
                          b.shards.set(p, sh.closed(ctx.log(switched, p).logEndOffset()));
                        }
                      }
                    }));
  }

  /** Creates the partitions of pending shards that the topic does not have yet. */
  static void growTopic(KinesisContext ctx, StreamEntry s) throws IOException {
    int have =
        ctx.topics().describe(s.name()).orElseThrow(() -> ctx.notFound(s.name())).partitionCount();
    if (have >= s.shards().size()) {
      return;
    }
    try {
      ctx.topics().createPartitions(s.name(), s.shards().size()).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while adding partitions to " + s.name(), e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("cannot add partitions to " + s.name() + ": " + e.getCause(), e);
    }
  }

  private static void sleepBriefly() {
    try {
      Thread.sleep(1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while a shard drains", e);
    }
  }

  // ---- plans --------------------------------------------------------------------------------

  /**
   * The steps of UpdateShardCount with uniform scaling: the open shards become {@code target}
   * shards splitting the hash-key space evenly. A child may have at most two parents (the Shard
   * structure names a parent and an adjacent parent), so where an even range would cover three or
   * more open shards, adjacent pairs inside it are merged first, one step at a time. Open shards
   * that already hold an even range exactly are kept.
   */
  public static Function<StreamEntry, List<Child>> uniform(int target) {
    return s -> {
      List<ShardEntry> open = s.openShards();
      List<List<ShardEntry>> overlaps = new ArrayList<>(target);
      boolean tooMany = false;
      for (int j = 0; j < target; j++) {
        BigInteger start = HashKeys.evenStart(j, target);
        BigInteger end = HashKeys.evenEnd(j, target);
        List<ShardEntry> over = new ArrayList<>();
        for (ShardEntry o : open) {
          if (o.startingHashKey().compareTo(end) <= 0 && o.endingHashKey().compareTo(start) >= 0) {
            over.add(o);
          }
        }
        overlaps.add(over);
        tooMany |= over.size() > 2;
      }
      List<Child> children = new ArrayList<>();
      if (tooMany) {
        Set<Integer> used = new HashSet<>();
        for (List<ShardEntry> over : overlaps) {
          for (int k = 0; k + 1 < over.size() && over.size() > 2; k++) {
            ShardEntry a = over.get(k);
            ShardEntry b = over.get(k + 1);
            if (!used.contains(a.partition()) && !used.contains(b.partition())) {
              used.add(a.partition());
              used.add(b.partition());
              children.add(
                  new Child(a.startingHashKey(), b.endingHashKey(), a.partition(), b.partition()));
              k++;
            }
          }
        }
        return children;
      }
      for (int j = 0; j < target; j++) {
        BigInteger start = HashKeys.evenStart(j, target);
        BigInteger end = HashKeys.evenEnd(j, target);
        List<ShardEntry> over = overlaps.get(j);
        ShardEntry first = over.get(0);
        if (over.size() == 1
            && first.startingHashKey().equals(start)
            && first.endingHashKey().equals(end)) {
          continue;
        }
        children.add(
            new Child(
                start, end, first.partition(), over.size() > 1 ? over.get(1).partition() : -1));
      }
      return children;
    };
  }
}
