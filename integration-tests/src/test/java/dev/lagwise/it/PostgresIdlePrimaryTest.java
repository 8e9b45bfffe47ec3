package dev.lagwise.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwise.LagwiseConnection;
import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The write's position must be one a standby reaches by replaying the commit itself: with the
 * insert position ({@code pg_current_wal_insert_lsn()}) a standby of an idle primary would pass it
 * only when the next WAL record arrives, and a read waiting for a replica would wait for that.
 */
@ReplicatedCluster(replicas = 2)
class PostgresIdlePrimaryTest {

  Cluster cluster;

  @Test
  void aReadAfterAWriteOnAnIdlePrimaryIsServedByAReplicaWithinMilliseconds() throws Exception {
    try (Connection p = cluster.primary().connect();
        Statement s = p.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS idle_items (id bigserial PRIMARY KEY)");
    }
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
    String url = cluster.lagwiseUrl() + "?lagwise.waitForReplica=2s";
    try (Connection c = DriverManager.getConnection(url, cluster.user(), cluster.password())) {
      LagwiseConnection lw = c.unwrap(LagwiseConnection.class);
      long slowest = 0;
      for (int i = 0; i < 20; i++) {
        Thread.sleep(100); // let the primary fall idle: no other WAL will follow the commit
        long id;
        try (PreparedStatement ps =
                c.prepareStatement("INSERT INTO idle_items DEFAULT VALUES RETURNING id");
            ResultSet rs = ps.executeQuery()) {
          rs.next();
          id = rs.getLong(1);
        }
        long start = System.nanoTime();
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM idle_items WHERE id = ?")) {
          ps.setLong(1, id);
          try (ResultSet rs = ps.executeQuery()) {
            assertThat(rs.next()).as("own write %d", i).isTrue();
          }
        }
        slowest = Math.max(slowest, System.nanoTime() - start);
        assertThat(lw.lastNode()).doesNotEndWith(":" + cluster.primary().port());
      }
      assertThat(Duration.ofNanos(slowest))
          .as("slowest read that waited for a replica")
          .isLessThan(Duration.ofMillis(500));
    }
  }
}
