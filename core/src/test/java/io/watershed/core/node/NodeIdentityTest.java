package io.watershed.core.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeIdentityTest {
  @TempDir Path dir;

  @Test
  void theClusterIdIsStableAcrossOpens() throws Exception {
    assertThat(NodeIdentity.clusterId(dir)).isEqualTo(NodeIdentity.clusterId(dir));
  }

  @Test
  void producerIdsAreNeverRepeatedAcrossRestarts() throws Exception {
    Set<Long> seen = new HashSet<>();
    for (int restart = 0; restart < 3; restart++) {
      ProducerIdAllocator ids = ProducerIdAllocator.open(dir);
      for (int i = 0; i < 1500; i++) {
        assertThat(seen.add(ids.next())).isTrue();
      }
    }
  }
}
