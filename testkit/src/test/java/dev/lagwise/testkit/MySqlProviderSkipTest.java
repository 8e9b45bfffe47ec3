package dev.lagwise.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * The MySQL provider end to end where a Docker engine exists; on machines without one this class
 * must be reported as skipped (a JUnit assumption), never as passed or failed.
 */
@ReplicatedCluster(engine = Engine.MYSQL, replicas = 1)
class MySqlProviderSkipTest {

  Cluster cluster;

  @Test
  void startsAPrimaryAndAGtidReplica() throws Exception {
    assertThat(cluster.engine()).isEqualTo(Engine.MYSQL);
    assertThat(cluster.lagwiseUrl()).startsWith("jdbc:lagwise:mysql://");
    try (Connection c = cluster.primary().connect();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE skip_probe (id int PRIMARY KEY)");
      s.execute("INSERT INTO skip_probe VALUES (1)");
    }
    cluster.awaitReplicasCaughtUp(java.time.Duration.ofSeconds(30));
    Node replica = cluster.replicas().get(0);
    try (Connection c = replica.connect();
        Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM skip_probe")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(1);
      }
      try (ResultSet rs = s.executeQuery("SELECT @@super_read_only")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(1);
      }
    }
  }
}
