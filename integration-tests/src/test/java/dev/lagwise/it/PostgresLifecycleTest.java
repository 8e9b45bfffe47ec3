package dev.lagwise.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** isValid, abort, setNetworkTimeout and close, as JDBC specifies them, on real servers. */
@ReplicatedCluster(replicas = 2)
class PostgresLifecycleTest {

  Cluster cluster;

  Connection connect() throws SQLException {
    return DriverManager.getConnection(cluster.lagwiseUrl(), cluster.user(), cluster.password());
  }

  static int backends(Cluster cluster, String applicationName) throws SQLException {
    int n = 0;
    for (var node : cluster.nodes()) {
      try (Connection c = node.connect();
          PreparedStatement ps =
              c.prepareStatement(
                  "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
        ps.setString(1, applicationName);
        try (var rs = ps.executeQuery()) {
          rs.next();
          n += rs.getInt(1);
        }
      }
    }
    return n;
  }

  @Test
  void networkTimeoutAppliesToEveryVendorConnection() throws SQLException {
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try (Connection c = connect()) {
      c.setNetworkTimeout(executor, 500);
      assertThat(c.getNetworkTimeout()).isEqualTo(500);
      long start = System.nanoTime();
      try (Statement s = c.createStatement()) {
        assertThatThrownBy(() -> s.execute("SELECT pg_sleep(5)"))
            .as("a read on a replica")
            .isInstanceOf(SQLException.class);
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void abortAndCloseReleaseEveryVendorConnection() throws Exception {
    String name = "lifecycle-" + System.nanoTime();
    String url = cluster.lagwiseUrl() + "?ApplicationName=" + name;
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try {
      Connection aborted = DriverManager.getConnection(url, cluster.user(), cluster.password());
      try (Statement s = aborted.createStatement()) {
        s.execute("SELECT 1");
        s.execute("CREATE TEMP TABLE lifecycle_tmp (id int)");
      }
      assertThat(backends(cluster, name)).isEqualTo(2);
      aborted.abort(executor);
      assertThat(aborted.isClosed()).isTrue();
      assertThat(aborted.isValid(1)).isFalse();

      Connection closed = DriverManager.getConnection(url, cluster.user(), cluster.password());
      try (Statement s = closed.createStatement()) {
        s.execute("SELECT 1");
        s.execute("UPDATE pg_class SET relname = relname WHERE false");
      }
      closed.close();
      closed.close();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (backends(cluster, name) > 0 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(backends(cluster, name)).isZero();
      assertThatThrownBy(closed::createStatement)
          .extracting(e -> ((SQLException) e).getSQLState())
          .isEqualTo("08003");
    } finally {
      executor.shutdownNow();
    }
  }

  /**
   * isValid says false, as PgJDBC on a connection to a restarted server, so a pool replaces it (a
   * statement instead reopens the dead vendor connection: PostgresConnectionLifecycleTest).
   */
  @Test
  void aRestartedReplicaMakesIsValidFalse() throws Exception {
    try (Connection c = connect()) {
      restartLastReplica(c);
      assertThat(c.isValid(2)).as("the replica's vendor connection died").isFalse();
      assertThat(c.isClosed()).isTrue();
    }
  }

  private void restartLastReplica(Connection c) throws Exception {
    try (Statement s = c.createStatement()) {
      s.execute("SELECT 1");
    }
    String replica = c.unwrap(dev.lagwise.LagwiseConnection.class).lastNode();
    var node =
        cluster.replicas().stream()
            .filter(n -> replica.endsWith(":" + n.port()))
            .findFirst()
            .orElseThrow();
    node.stop();
    node.start();
  }
}
