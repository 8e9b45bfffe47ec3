package dev.lagwise.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwise.LagwiseConnection;
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
 * The routing core with {@code jdbc:lagwise:mariadb://}: roles from {@code @@read_only}, reads on
 * replicas, writes and transactions on the primary. (GTID tokens come with a later issue.)
 */
@ReplicatedCluster(engine = Engine.MARIADB, replicas = 2)
class MariaDbRoutingTest {

  static int serverPort(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void readsOnReplicasWritesOnThePrimary(Cluster cluster) throws SQLException {
    try (Connection c =
            DriverManager.getConnection(
                cluster.lagwiseUrl() + "?lagwise.waitForReplica=2s",
                cluster.user(),
                cluster.password());
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS mrt_items (id int PRIMARY KEY)");
      s.execute("DELETE FROM mrt_items");
      s.execute("INSERT INTO mrt_items VALUES (1)");
      assertThat(c.unwrap(LagwiseConnection.class).lastNode())
          .endsWith(":" + cluster.primary().port());
      cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
      assertThat(cluster.replicas())
          .extracting(Node::port)
          .contains(serverPort(s, "SELECT @@port FROM mrt_items WHERE id = 1"));
      assertThat(serverPort(s, "SELECT @@port FROM mrt_items FOR UPDATE"))
          .isEqualTo(cluster.primary().port());
      c.setAutoCommit(false);
      assertThat(serverPort(s, "SELECT @@port")).isEqualTo(cluster.primary().port());
      c.commit();
      c.setReadOnly(true);
      assertThat(cluster.replicas())
          .extracting(Node::port)
          .contains(serverPort(s, "SELECT @@port"));
      c.commit();
    }
  }
}
