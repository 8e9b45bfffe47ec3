package dev.lagwise.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lagwise.LagwiseConnection;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The failure table of DESIGN.md, on real servers: a hung or stopped replica, a stopped primary,
 * every node down. The shared cluster is reset (nodes restarted, unhung) after this class.
 */
@ReplicatedCluster(replicas = 2)
class PostgresFailureTest {

  static Cluster cluster;

  /** Short timeouts so that a hung node costs seconds, not minutes. */
  static final String PARAMS =
      "?socketTimeout=2&connectTimeout=2&lagwise.pollInterval=100ms" + "&lagwise.probeTimeout=1s";

  @BeforeAll
  static void setUp(Cluster c) throws SQLException {
    cluster = c;
    try (Connection p = c.primary().connect();
        Statement s = p.createStatement()) {
      s.execute("DROP TABLE IF EXISTS pft_events");
      s.execute("CREATE TABLE pft_events (id serial PRIMARY KEY)");
    }
    c.awaitReplicasCaughtUp(Duration.ofSeconds(30));
  }

  static Connection connect() throws SQLException {
    return DriverManager.getConnection(url(), cluster.user(), cluster.password());
  }

  /**
   * "localhost": a cluster of its own in this JVM (its probe timeout is cluster-wide, and other
   * classes connect to the shared testkit cluster with the default one).
   */
  static String url() {
    return cluster.lagwiseUrl().replace("127.0.0.1", "localhost") + PARAMS;
  }

  static String readNode(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM pft_events")) {
      rs.next();
    }
    return c.unwrap(LagwiseConnection.class).lastNode();
  }

  /** As the cluster of {@link #connect} names hosts. */
  static String hostPort(Node n) {
    return n.host().replace("127.0.0.1", "localhost") + ":" + n.port();
  }

  @Test
  void aHungReplicaIsLeftOutAndReadsGoOn() throws Exception {
    Node hung = cluster.replicas().get(0);
    Node other = cluster.replicas().get(1);
    try (Connection a = connect();
        Connection b = connect()) {
      // Warm both connections so that at least one holds a connection to the node we hang.
      readNode(a);
      readNode(b);
      hung.hang();
      try {
        long start = System.nanoTime();
        for (int i = 0; i < 20; i++) {
          assertThat(readNode(a)).isNotEqualTo(hostPort(hung));
          assertThat(readNode(b)).isNotEqualTo(hostPort(hung));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start))
            .as("at most one socket timeout per connection")
            .isLessThan(Duration.ofSeconds(10));
        try (Connection c = connect()) {
          assertThat(readNode(c)).isEqualTo(hostPort(other));
        }
      } finally {
        hung.unhang();
      }
      awaitNodeUsed(a, hostPort(hung));
    }
  }

  @Test
  void withThePrimaryDownWritesFailFastAndReadsContinue() throws Exception {
    Node primary = cluster.primary();
    try (Connection c = connect()) {
      primary.stop();
      try {
        Thread.sleep(500);
        assertThat(readNode(c)).isNotEqualTo(hostPort(primary));
        long start = System.nanoTime();
        assertThatThrownBy(
                () -> {
                  try (Statement s = c.createStatement()) {
                    s.executeUpdate("INSERT INTO pft_events DEFAULT VALUES");
                  }
                })
            .isInstanceOf(SQLTransientConnectionException.class)
            .hasMessageContaining(hostPort(primary))
            .hasMessageNotContaining(cluster.password())
            .extracting(e -> ((SQLException) e).getSQLState())
            .asString()
            .startsWith("08");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
      } finally {
        primary.start();
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (true) {
        try (Statement s = c.createStatement()) {
          s.executeUpdate("INSERT INTO pft_events DEFAULT VALUES");
          break;
        } catch (SQLException e) {
          if (System.nanoTime() > deadline) {
            throw e;
          }
          Thread.sleep(100);
        }
      }
    }
  }

  @Test
  void everyNodeDownNamesEachHost() throws Exception {
    try {
      for (Node n : cluster.nodes()) {
        n.stop();
      }
      Thread.sleep(500);
      assertThatThrownBy(
              () -> {
                try (Connection c = connect()) {
                  readNode(c);
                }
              })
          .isInstanceOf(SQLException.class)
          .satisfies(
              e -> {
                for (Node n : cluster.nodes()) {
                  assertThat(e.getMessage()).contains(hostPort(n));
                }
              })
          .extracting(e -> ((SQLException) e).getSQLState())
          .asString()
          .startsWith("08");
    } finally {
      for (Node n : cluster.nodes()) {
        if (!n.isRunning()) {
          n.start();
        }
      }
    }
  }

  /** Reads until one lands on {@code node}: it came back into routing. */
  static void awaitNodeUsed(Connection c, String node) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      try (Connection fresh = connect()) {
        for (int i = 0; i < 4; i++) {
          if (node.equals(readNode(fresh))) {
            return;
          }
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError(node + " never came back into routing");
  }
}
