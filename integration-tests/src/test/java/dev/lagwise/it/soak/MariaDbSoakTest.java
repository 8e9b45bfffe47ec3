package dev.lagwise.it.soak;

import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Engine;
import dev.lagwise.testkit.ReplicatedCluster;
import org.junit.jupiter.api.Test;

/** {@link Soak} on MariaDB: a primary and two GTID replicas of its own. */
@ReplicatedCluster(engine = Engine.MARIADB, replicas = 2, isolated = true)
class MariaDbSoakTest {

  @Test
  void nothingLostNothingStaleNothingLeaked(Cluster cluster) throws Exception {
    new Soak(cluster, SoakTarget.MARIADB).run();
  }
}
