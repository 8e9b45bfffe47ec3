package dev.lagwise.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwise.LagwiseConnection;
import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Node;
import dev.lagwise.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A promotion is followed without configuration: writes go to the new primary. */
@ReplicatedCluster(replicas = 2, isolated = true)
class PostgresPromotionTest {

  @Test
  void writesFollowAPromotedReplica(Cluster cluster) throws Exception {
    String url = cluster.lagwiseUrl() + "?lagwise.pollInterval=100ms&connectTimeout=2";
    try (Connection c = DriverManager.getConnection(url, cluster.user(), cluster.password());
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE ppt_items (id int)");
      s.execute("INSERT INTO ppt_items VALUES (1)");
      cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));

      Node old = cluster.primary();
      Node promoted = cluster.replicas().get(0);
      old.kill();
      promoted.promote();

      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (true) {
        try {
          s.execute("INSERT INTO ppt_items VALUES (2)");
          break;
        } catch (SQLException e) {
          assertThat(e.getSQLState()).as(e.getMessage()).startsWith("08");
          if (System.nanoTime() > deadline) {
            throw e;
          }
          Thread.sleep(100);
        }
      }
      assertThat(c.unwrap(LagwiseConnection.class).lastNode())
          .isEqualTo(promoted.host() + ":" + promoted.port());
    }
  }
}
