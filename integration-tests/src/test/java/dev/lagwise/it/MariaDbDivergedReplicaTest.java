package dev.lagwise.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwise.LagwiseConnection;
import dev.lagwise.NodeStats;
import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Engine;
import dev.lagwise.testkit.Node;
import dev.lagwise.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A MariaDB replica made writable that wrote rows of its own, then re-attached: its replication
 * runs and its applied position equals the primary's, yet it has data the primary lacks (a GTID of
 * its own server id in its binlog state). It never serves a read.
 */
@ReplicatedCluster(engine = Engine.MARIADB, replicas = 2, isolated = true)
class MariaDbDivergedReplicaTest {

  Cluster cluster;

  static String hostPort(Node n) {
    return n.host() + ":" + n.port();
  }

  static long count(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM mdr_rows")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static NodeStats stats(LagwiseConnection lc, Node n) {
    return lc.stats().nodes().stream()
        .filter(s -> s.host().equals(hostPort(n)))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aReplicaThatWroteOnItsOwnNeverServesReads() throws Exception {
    Node diverged = cluster.replicas().get(0);
    try (Connection c =
            DriverManager.getConnection(
                cluster.lagwiseUrl() + "?lagwise.pollInterval=100ms",
                cluster.user(),
                cluster.password());
        Statement s = c.createStatement()) {
      LagwiseConnection lc = c.unwrap(LagwiseConnection.class);
      s.execute("CREATE TABLE mdr_rows (id int PRIMARY KEY)");
      s.execute("INSERT INTO mdr_rows VALUES (1)");
      cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));

      // The application user cannot write on a read-only replica; testkit's own user (READ_ONLY
      // ADMIN) can, as an operator who made the replica writable would.
      try (Connection direct =
              DriverManager.getConnection(
                  "jdbc:mariadb://" + hostPort(diverged) + "/" + cluster.database(),
                  "lagwise_admin",
                  "lagwise-admin-secret");
          Statement d = direct.createStatement()) {
        d.execute("STOP SLAVE");
        d.execute("INSERT INTO mdr_rows VALUES (99)");
        d.execute("START SLAVE");
      }

      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!stats(lc, diverged).role().equals("DIVERGED")) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("never DIVERGED: " + lc.stats().nodes());
        }
        Thread.sleep(50);
      }
      assertThat(stats(lc, diverged).lastError())
          .isEqualTo("diverged: it has transactions the primary does not have");
      long end = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      int reads = 0;
      while (System.nanoTime() < end) {
        assertThat(count(c)).as("never the diverged replica's own row").isEqualTo(1);
        assertThat(lc.lastNode()).isNotEqualTo(hostPort(diverged));
        reads++;
      }
      assertThat(reads).isPositive();
      assertThat(stats(lc, diverged).statements()).isZero();
    }
  }
}
