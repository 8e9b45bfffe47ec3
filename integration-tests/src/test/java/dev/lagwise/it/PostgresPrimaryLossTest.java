package dev.lagwise.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lagwise.ConsistencyToken;
import dev.lagwise.LagwiseConnection;
import dev.lagwise.routing.RouteReason;
import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Node;
import dev.lagwise.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Read availability while the primary is gone (lagwise.primaryLossReads): replicas that replayed
 * everything the primary was last seen at keep serving plain reads long past maxLag, reads that
 * need more fail with class 08 naming what they needed, writes fail fast, and {@code fail} refuses.
 */
@ReplicatedCluster(replicas = 2)
class PostgresPrimaryLossTest {

  static final String PARAMS =
      "?socketTimeout=5&connectTimeout=2&lagwise.pollInterval=100ms&lagwise.probeTimeout=1s"
          + "&lagwise.maxLag=1s";

  Cluster cluster;

  @BeforeEach
  void setUp() throws SQLException {
    try (Connection p = cluster.primary().connect();
        Statement s = p.createStatement()) {
      s.execute("DROP TABLE IF EXISTS ppl_rows");
      s.execute("CREATE TABLE ppl_rows (id int PRIMARY KEY)");
      s.execute("INSERT INTO ppl_rows VALUES (1)");
    }
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
  }

  @AfterEach
  void restart() {
    if (!cluster.primary().isRunning()) {
      cluster.primary().start();
    }
  }

  Connection connect(String extra) throws SQLException {
    return DriverManager.getConnection(
        // "localhost": a cluster of its own in this JVM (its probe timeout is cluster-wide, and
        // other classes connect to the shared testkit cluster with the default one).
        cluster.lagwiseUrl().replace("127.0.0.1", "localhost") + PARAMS + extra,
        cluster.user(),
        cluster.password());
  }

  static long rows(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM ppl_rows")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** As the cluster of {@link #connect} names hosts. */
  static String hostPort(Node n) {
    return n.host().replace("127.0.0.1", "localhost") + ":" + n.port();
  }

  @Test
  void plainReadsGoOnPastMaxLagAndWritesFailFastNamingThePrimary() throws Exception {
    Node primary = cluster.primary();
    try (Connection c = connect("")) {
      assertThat(rows(c)).isEqualTo(1);
      LagwiseConnection lc = c.unwrap(LagwiseConnection.class);
      long before = lc.stats().statementsByReason().get(RouteReason.PRIMARY_UNREACHABLE);
      primary.stop();
      long stopped = System.nanoTime();
      int reads = 0;
      // Three times maxLag: without the primary nobody measures lag, and the rule still holds.
      while (System.nanoTime() - stopped < Duration.ofSeconds(3).toNanos()) {
        assertThat(rows(c)).isEqualTo(1);
        assertThat(lc.lastNode()).isNotEqualTo(hostPort(primary));
        reads++;
        Thread.sleep(20);
      }
      assertThat(lc.stats().statementsByReason().get(RouteReason.PRIMARY_UNREACHABLE) - before)
          .isGreaterThanOrEqualTo(reads / 2);
      long start = System.nanoTime();
      assertThatThrownBy(
              () -> {
                try (Statement s = c.createStatement()) {
                  s.executeUpdate("INSERT INTO ppl_rows VALUES (2)");
                }
              })
          .isInstanceOf(SQLTransientConnectionException.class)
          .hasMessageContaining(hostPort(primary))
          .hasMessageContaining("last seen")
          .hasMessageNotContaining(cluster.password())
          .extracting(e -> ((SQLException) e).getSQLState())
          .asString()
          .startsWith("08");
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("well under the 5 s socket timeout")
          .isLessThan(Duration.ofSeconds(2));
    }
  }

  @Test
  void aReadThatNeedsMoreThanAnyReplicaHasFailsNamingTheToken() throws Exception {
    try (Connection c = connect("")) {
      LagwiseConnection lc = c.unwrap(LagwiseConnection.class);
      assertThat(rows(c)).isEqualTo(1);
      cluster.primary().stop();
      Thread.sleep(500);
      // A token no replica has reached (from another application server, say): never stale.
      ConsistencyToken ahead = ConsistencyToken.parse("pg:7F000000/0");
      lc.requireConsistency(ahead);
      assertThatThrownBy(() -> rows(c))
          .isInstanceOf(SQLTransientConnectionException.class)
          .hasMessageContaining("no primary is reachable")
          .hasMessageContaining(ahead.toString())
          .extracting(e -> ((SQLException) e).getSQLState())
          .asString()
          .startsWith("08");
    }
  }

  @Test
  void strictUsersRefuseReadsWithoutAPrimary() throws Exception {
    try (Connection c = connect("&lagwise.primaryLossReads=fail")) {
      assertThat(rows(c)).isEqualTo(1);
      cluster.primary().stop();
      Thread.sleep(1500); // past maxLag
      assertThatThrownBy(() -> rows(c))
          .isInstanceOf(SQLTransientConnectionException.class)
          .hasMessageContaining("lagwise.maxLag=1000ms")
          .extracting(e -> ((SQLException) e).getSQLState())
          .asString()
          .startsWith("08");
    }
  }
}
