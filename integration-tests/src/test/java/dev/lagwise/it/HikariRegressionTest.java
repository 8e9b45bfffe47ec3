package dev.lagwise.it;

import static dev.lagwise.it.HikariITSupport.backendCounts;
import static dev.lagwise.it.HikariITSupport.uniqueApplicationName;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.lagwise.LagwiseDataSource;
import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Node;
import dev.lagwise.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Driver bugs found while testing HikariCP, kept as regression tests: each describes what a pool
 * user expects.
 */
@ReplicatedCluster(replicas = 2)
class HikariRegressionTest {

  Cluster cluster;

  /**
   * A pool whose connections run at SERIALIZABLE ({@code transactionIsolation}, or Spring's
   * {@code @Transactional(isolation = SERIALIZABLE, readOnly = true)}) must still be able to read.
   * A hot standby rejects it ({@code ERROR: cannot use serializable mode in a hot standby}), so
   * serializable sessions read from the primary.
   */
  @Test
  void aPoolAtSerializableIsolationCanRead() throws SQLException {
    HikariConfig config = new HikariConfig();
    config.setPoolName(uniqueApplicationName("hk-serializable"));
    config.setJdbcUrl(cluster.lagwiseUrl());
    config.setUsername(cluster.user());
    config.setPassword(cluster.password());
    config.setMaximumPoolSize(1);
    config.setTransactionIsolation("TRANSACTION_SERIALIZABLE");
    try (HikariDataSource pool = new HikariDataSource(config);
        Connection c = pool.getConnection()) {
      assertThat(c.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_SERIALIZABLE);
      try (PreparedStatement ps = c.prepareStatement("SELECT 42 AS answer");
          ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(42);
      }
    }
  }

  /**
   * The role monitor's probe connections are named {@code lagwise-monitor} even when the URL that
   * first reaches a cluster carries {@code ?ApplicationName=app} (PgJDBC lets a URL parameter win
   * over Properties, so the override is appended to the probe URL); otherwise a read-only pool
   * would appear to hold more connections to the primary than the one per pooled connection that
   * {@code getConnection()} opens.
   */
  @Test
  void monitorProbesDoNotTakeTheApplicationNameOfTheUrl() throws Exception {
    // A host list spelled with "localhost" is a cluster no other test has reached in this JVM.
    StringBuilder hosts = new StringBuilder();
    for (Node n : cluster.nodes()) {
      hosts.append(hosts.length() == 0 ? "" : ",").append("localhost:").append(n.port());
    }
    String app = uniqueApplicationName("hk-monitor");
    HikariConfig config = new HikariConfig();
    config.setPoolName(app);
    config.setMaximumPoolSize(2);
    config.setDataSourceClassName(LagwiseDataSource.class.getName());
    config.addDataSourceProperty(
        "url",
        "jdbc:lagwise:postgresql://"
            + hosts
            + "/"
            + cluster.database()
            + "?ApplicationName="
            + app);
    config.addDataSourceProperty("user", cluster.user());
    config.addDataSourceProperty("password", cluster.password());
    try (HikariDataSource pool = new HikariDataSource(config)) {
      for (int i = 0; i < 5; i++) {
        try (Connection c = pool.getConnection();
            PreparedStatement ps = c.prepareStatement("SELECT pg_is_in_recovery()");
            ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getBoolean(1)).isTrue();
        }
      }
      // Each pooled connection holds the primary connection its getConnection() opened; the
      // monitor's probes must not add one wearing the application's name.
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (pool.getHikariPoolMXBean().getTotalConnections() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(pool.getHikariPoolMXBean().getTotalConnections()).isEqualTo(2);
      Map<String, Integer> counts = backendCounts(cluster, app);
      assertThat(counts.get(cluster.primary().name()))
          .as("backends named %s on the primary after a read-only workload: %s", app, counts)
          .isEqualTo(2);
    }
  }
}
