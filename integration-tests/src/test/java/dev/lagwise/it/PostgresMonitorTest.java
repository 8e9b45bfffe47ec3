package dev.lagwise.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwise.LagwiseDataSource;
import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Node;
import dev.lagwise.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** One monitor per cluster per JVM: shared by every data source, idle when unused. */
@ReplicatedCluster(replicas = 2)
class PostgresMonitorTest {

  Cluster cluster;

  static int monitorBackends(Node node) throws SQLException {
    try (Connection c = node.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM pg_stat_activity"
                    + " WHERE application_name = 'lagwise-monitor' AND datname = 'test'")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /**
   * Live probe threads named after this cluster's hosts, other than {@code leftovers}: a monitor of
   * an earlier test class whose connection is still open may probe a host whose port this cluster's
   * node now uses, under the same thread name.
   */
  long monitorThreads(Set<Thread> leftovers) {
    List<String> names = new ArrayList<>();
    for (Node n : cluster.nodes()) {
      names.add("lagwise-monitor-" + n.host() + ":" + n.port());
    }
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && names.contains(t.getName()) && !leftovers.contains(t))
        .count();
  }

  Set<Thread> monitorThreadsNow() {
    Set<Thread> now = new HashSet<>();
    for (Node n : cluster.nodes()) {
      String name = "lagwise-monitor-" + n.host() + ":" + n.port();
      for (Thread t : Thread.getAllStackTraces().keySet()) {
        if (t.isAlive() && t.getName().equals(name)) {
          now.add(t);
        }
      }
    }
    return now;
  }

  @Test
  void manyDataSourcesShareOneSetOfProbeConnectionsAndItIdles() throws Exception {
    Set<Thread> leftovers = monitorThreadsNow();
    List<Connection> open = new ArrayList<>();
    try {
      for (int i = 0; i < 6; i++) {
        LagwiseDataSource ds = new LagwiseDataSource();
        ds.setUrl(cluster.lagwiseUrl());
        ds.setUser(cluster.user());
        ds.setPassword(cluster.password());
        ds.setLoadBalance(i % 2 == 0 ? "round-robin" : "least-in-flight");
        for (int j = 0; j < 3; j++) {
          Connection c = ds.getConnection();
          try (Statement s = c.createStatement()) {
            s.execute("SELECT 1");
          }
          open.add(c);
        }
      }
      for (Node n : cluster.nodes()) {
        assertThat(monitorBackends(n)).as("probe connections on %s", n.name()).isEqualTo(1);
      }
      assertThat(monitorThreads(leftovers)).isEqualTo(cluster.nodes().size());
    } finally {
      for (Connection c : open) {
        c.close();
      }
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while ((monitorThreads(leftovers) > 0 || anyMonitorBackend()) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(monitorThreads(leftovers))
        .as("monitor threads after the last connection closed")
        .isZero();
    assertThat(anyMonitorBackend()).as("probe connections after the last close").isFalse();
  }

  boolean anyMonitorBackend() throws SQLException {
    for (Node n : cluster.nodes()) {
      if (monitorBackends(n) > 0) {
        return true;
      }
    }
    return false;
  }
}
