package dev.lagwise.it.soak;

import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.ReplicatedCluster;
import org.junit.jupiter.api.Test;

/** {@link Soak} on PostgreSQL: a primary and two streaming replicas of its own. */
@ReplicatedCluster(replicas = 2, isolated = true)
class PostgresSoakTest {

  @Test
  void nothingLostNothingStaleNothingLeaked(Cluster cluster) throws Exception {
    new Soak(cluster, SoakTarget.POSTGRESQL).run();
  }
}
