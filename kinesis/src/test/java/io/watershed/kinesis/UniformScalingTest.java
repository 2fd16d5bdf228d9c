package io.watershed.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.watershed.kinesis.catalog.ShardEntry;
import io.watershed.kinesis.catalog.StreamEntry;
import java.math.BigInteger;
import java.util.List;
import java.util.function.Function;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** UpdateShardCount's steps: every child has at most two parents, and the end state is even. */
class UniformScalingTest {
  @Property(tries = 300)
  void stepsEndInEvenShardsWithAtMostTwoParentsEach(
      @ForAll @IntRange(min = 1, max = 40) int from,
      @ForAll @IntRange(min = 1, max = 80) int to,
      @ForAll @IntRange(min = 0, max = 5) int splitsFirst) {
    StreamEntry s = StreamEntry.create("s", from, "PROVISIONED", 24, 0, true);
    // Uneven starting points: split the first open shard a few times near its start.
    for (int i = 0; i < splitsFirst; i++) {
      ShardEntry first = s.openShards().getFirst();
      BigInteger width = first.endingHashKey().subtract(first.startingHashKey());
      if (width.compareTo(BigInteger.TEN) < 0) {
        break;
      }
      BigInteger at = first.startingHashKey().add(width.shiftRight(3)).add(BigInteger.TWO);
      s =
          apply(
              s,
              List.of(
                  new Resharder.Child(
                      first.startingHashKey(), at.subtract(BigInteger.ONE), first.partition(), -1),
                  new Resharder.Child(at, first.endingHashKey(), first.partition(), -1)));
    }
    Function<StreamEntry, List<Resharder.Child>> plan = Resharder.uniform(to);
    int steps = 0;
    for (List<Resharder.Child> step = plan.apply(s); !step.isEmpty(); step = plan.apply(s)) {
      assertThat(++steps).isLessThan(20);
      s = apply(s, step);
    }
    List<ShardEntry> open = s.openShards();
    assertThat(open).hasSize(to);
    for (int j = 0; j < to; j++) {
      assertThat(open.get(j).startingHashKey()).isEqualTo(HashKeys.evenStart(j, to));
      assertThat(open.get(j).endingHashKey()).isEqualTo(HashKeys.evenEnd(j, to));
    }
  }

  /** Applies one step the way the resharder does, checking the children tile their parents. */
  private static StreamEntry apply(StreamEntry s, List<Resharder.Child> children) {
    return s.with(
        b -> {
          for (Resharder.Child c : children) {
            ShardEntry parent = b.shards.get(c.parent());
            assertThat(parent.isOpen()).isTrue();
            assertThat(c.start().compareTo(parent.endingHashKey())).isLessThanOrEqualTo(0);
            if (c.adjacentParent() >= 0) {
              ShardEntry adjacent = b.shards.get(c.adjacentParent());
              assertThat(adjacent.isOpen()).isTrue();
              assertThat(parent.endingHashKey().add(BigInteger.ONE))
                  .isEqualTo(adjacent.startingHashKey());
            }
          }
          for (Resharder.Child c : children) {
            for (int p : new int[] {c.parent(), c.adjacentParent()}) {
              if (p >= 0 && b.shards.get(p).isOpen()) {
                b.shards.set(p, b.shards.get(p).closing(0).closed(0));
              }
            }
            b.shards.add(
                ShardEntry.open(
                    b.shards.size(), c.start(), c.end(), c.parent(), c.adjacentParent(), 0));
          }
          List<ShardEntry> open =
              b.shards.stream()
                  .filter(ShardEntry::isOpen)
                  .sorted((x, y) -> x.startingHashKey().compareTo(y.startingHashKey()))
                  .toList();
          assertThat(open.getFirst().startingHashKey()).isEqualTo(BigInteger.ZERO);
          assertThat(open.getLast().endingHashKey()).isEqualTo(HashKeys.MAX);
          for (int i = 0; i + 1 < open.size(); i++) {
            assertThat(open.get(i).endingHashKey().add(BigInteger.ONE))
                .isEqualTo(open.get(i + 1).startingHashKey());
          }
        });
  }
}
