package dev.lagwise.it.diff;

import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.ReplicatedCluster;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Differential test, PostgreSQL: random JDBC operation sequences give the same outcomes on raw
 * PgJDBC against the primary and on Lagwise against the primary and two replicas (issue #7 section
 * 3; see {@code docs/testing-differential.md}).
 *
 * <p>Run with {@code -Dlagwise.diff.tries=10000} for a long search (default 120 sequences with
 * streaming replicas plus 100 with replay paused), {@code -Dlagwise.diff.seed=N} to replay a run,
 * {@code -Dlagwise.diff.collect=true} to collect every distinct divergence instead of stopping at
 * the first. A divergence fails with the sequence shrunk to a minimal one, both outcomes side by
 * side.
 */
@ReplicatedCluster(replicas = 2)
class DiffPostgresTest {

  @Test
  @Timeout(value = 60, unit = TimeUnit.MINUTES)
  void streamingReplicasBehaveLikeThePrimary(Cluster cluster) throws SQLException {
    Exploration.run(cluster, Differ.Mode.STREAMING, 120);
  }

  /**
   * Replicas hold the reset state only: any read that reaches one after a write reads stale rows.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.MINUTES)
  void pausedReplicasNeverServeStaleReads(Cluster cluster) throws SQLException {
    Exploration.run(cluster, Differ.Mode.PAUSED, 100);
  }
}
