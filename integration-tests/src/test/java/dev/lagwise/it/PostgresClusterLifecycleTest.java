package dev.lagwise.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Node;
import dev.lagwise.testkit.ReplicatedCluster;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/**
 * Clusters without connections are retired after {@code lagwise.clusterIdleTimeout} on a real
 * cluster: their monitor's threads, server backends and MBeans go, however many come and go.
 */
// A cluster of its own: a hundred monitors come and go, and their backends must not crowd the
// shared
// cluster's max_connections while other classes use it.
@ReplicatedCluster(replicas = 2, isolated = true)
class PostgresClusterLifecycleTest {

  static final int ROLES = 10;

  Cluster cluster;

  static long threads(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
        .count();
  }

  /** The monitor's backends of the test's roles on every node. */
  long monitorBackends() {
    long n = 0;
    for (Node node : cluster.nodes()) {
      try (Connection admin = node.connect();
          Statement s = admin.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT count(*) FROM pg_stat_activity WHERE usename LIKE 'lagwise_cycle%'"
                      + " AND application_name = 'lagwise-monitor'")) {
        rs.next();
        n += rs.getLong(1);
      } catch (SQLException e) {
        throw new AssertionError(e);
      }
    }
    return n;
  }

  /** Every Lagwise cluster MBean of the JVM. */
  static long mbeans() {
    try {
      return ManagementFactory.getPlatformMBeanServer()
          .queryNames(new ObjectName("dev.lagwise:type=Cluster,*"), null)
          .size();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() < deadline).as(what).isTrue();
      Thread.sleep(20);
    }
  }

  @Test
  void aHundredClustersComeAndGoLeavingNoThreadBackendOrMBean() throws Exception {
    try (Connection admin = cluster.primary().connect();
        Statement s = admin.createStatement()) {
      for (int i = 0; i < ROLES; i++) {
        s.execute(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'lagwise_cycle"
                + i
                + "') THEN CREATE ROLE lagwise_cycle"
                + i
                + " LOGIN PASSWORD 'cycle'; END IF; END $$");
      }
    }
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
    String url =
        "jdbc:lagwise:postgresql://"
            + cluster.hostList()
            + "/"
            + cluster.database()
            + "?lagwise.clusterIdleTimeout=0ms&lagwise.pollInterval=50ms";
    long monitorThreadsBefore = threads("lagwise-monitor-");
    long mbeansBefore = mbeans();
    long most = 0;
    long mostMBeans = 0;
    for (int cycle = 0; cycle < 100; cycle++) {
      String role = "lagwise_cycle" + (cycle % ROLES);
      try (Connection c = DriverManager.getConnection(url, role, "cycle");
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT 1")) {
        rs.next();
        mostMBeans = Math.max(mostMBeans, mbeans() - mbeansBefore);
      }
      most = Math.max(most, threads("lagwise-monitor-") - monitorThreadsBefore);
    }
    await("monitor threads gone", () -> threads("lagwise-monitor-") <= monitorThreadsBefore);
    await("monitor backends gone", () -> monitorBackends() == 0);
    assertThat(mostMBeans).as("an MBean per cluster while it is used").isGreaterThanOrEqualTo(1);
    await("MBeans unregistered", () -> mbeans() <= mbeansBefore);
    System.out.println(
        "100 cluster cycles: at most "
            + most
            + " extra monitor threads at a time; after: 0 threads, 0 backends, 0 MBeans");
  }
}
