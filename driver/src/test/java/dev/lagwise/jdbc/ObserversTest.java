package dev.lagwise.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwise.LagwiseCluster;
import dev.lagwise.LagwiseClusters;
import dev.lagwise.LagwiseConnection;
import dev.lagwise.WaitStats;
import dev.lagwise.routing.RouteReason;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link LagwiseClusters}: the route listener hears each statement with the host that ran it, and a
 * cluster listener sees each cluster once, before or after it was created.
 */
class ObserversTest {

  private static final AtomicInteger CLUSTERS = new AtomicInteger();
  private String primary;
  private String replica;

  @BeforeEach
  void setUp() throws SQLException {
    StubDriver.install();
    dev.lagwise.Driver.register();
    int n = CLUSTERS.incrementAndGet();
    primary = "primaryobs" + n;
    replica = "replicaobs" + n;
  }

  @AfterEach
  void tearDown() {
    LagwiseClusters.setRouteListener(null);
  }

  private Connection connect() throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "app");
    p.setProperty("password", "hunter2");
    p.setProperty("lagwise.consistency", "none");
    p.setProperty("lagwise.maxLag", "3s");
    return DriverManager.getConnection(
        "jdbc:lagwise:postgresql://" + replica + ":5433," + primary + ":5432/shop", p);
  }

  private static void run(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  @Test
  void theRouteListenerHearsTheNodeThatRanEachStatement() throws SQLException {
    List<String> heard = new ArrayList<>();
    LagwiseClusters.setRouteListener(
        (host, port, reason, onPrimary) ->
            heard.add(host + ":" + port + " " + reason + " " + onPrimary));
    try (Connection c = connect()) {
      run(c, "SELECT 'obs-read'");
      run(c, "INSERT INTO t VALUES (1)");
      LagwiseClusters.setRouteListener(null);
      run(c, "SELECT 'unheard'");
    }
    assertThat(heard)
        .containsExactly(
            replica + ":5433 " + RouteReason.REPLICA + " false",
            primary + ":5432 " + RouteReason.WRITE + " true");
  }

  @Test
  void aClusterListenerSeesEachClusterOnceWithItsNameAndMaxLag() throws Exception {
    List<LagwiseCluster> seen = new ArrayList<>();
    AutoCloseable listening;
    try (Connection c = connect()) {
      // Added after the cluster exists: told at once.
      listening =
          LagwiseClusters.onCluster(
              cl -> {
                if (cl.name().endsWith("," + primary + ":5432/shop")) {
                  seen.add(cl);
                }
              });
      assertThat(seen).hasSize(1);
      LagwiseCluster cluster = seen.get(0);
      assertThat(cluster.name()).isEqualTo(replica + ":5433," + primary + ":5432/shop");
      assertThat(cluster.maxLag()).isEqualTo(Duration.ofSeconds(3));
      run(c, "SELECT 1");
      assertThat(cluster.stats().statementsTotal()).isEqualTo(1);
      assertThat(LagwiseClusters.all()).contains(cluster);
      // A second connection to the same cluster is no new cluster.
      try (Connection again = connect()) {
        assertThat(again.unwrap(LagwiseConnection.class)).isNotNull();
      }
      assertThat(seen).hasSize(1);
      // A new cluster, created after the listener was added: told once.
      primary = "late" + primary;
      try (Connection late = connect()) {
        assertThat(late).isNotNull();
      }
      assertThat(seen).hasSize(2);
      assertThat(seen.get(1).name()).contains(primary);
    }
    listening.close();
    primary = "after" + primary;
    try (Connection unheard = connect()) {
      assertThat(unheard).isNotNull();
    }
    assertThat(seen).hasSize(2);
  }

  @Test
  void aReadThatWaitsForAReplicaInVainIsCountedAsTimedOut() throws SQLException {
    StubDriver.DOWN.put(replica + ":5433", true);
    Properties p = new Properties();
    p.setProperty("user", "app");
    p.setProperty("password", "hunter2");
    p.setProperty("lagwise.waitForReplica", "50ms");
    try (Connection c =
        DriverManager.getConnection(
            "jdbc:lagwise:postgresql://" + replica + ":5433," + primary + ":5432/shop", p)) {
      LagwiseConnection l = c.unwrap(LagwiseConnection.class);
      assertThat(l.stats().replicaWaits()).isEqualTo(new WaitStats(0, 0, 0, 0));
      run(c, "SELECT 'waits'");
      assertThat(StubDriver.hostsFor("waits")).containsExactly(primary + ":5432");
      WaitStats w = l.stats().replicaWaits();
      assertThat(w.timedOut()).isEqualTo(1);
      assertThat(w.timedOutNanos()).isGreaterThanOrEqualTo(50_000_000L);
      assertThat(w.served()).isZero();
    }
  }
}
