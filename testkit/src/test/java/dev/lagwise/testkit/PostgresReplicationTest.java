package dev.lagwise.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Replication and replica faults on the shared 1+2 cluster; every test leaves it resettable. */
@ReplicatedCluster
class PostgresReplicationTest {

  private static final Duration CATCH_UP = Duration.ofSeconds(30);

  Cluster cluster;

  @Test
  void describesItsNodes() {
    assertThat(cluster.engine()).isEqualTo(Engine.POSTGRESQL);
    assertThat(cluster.nodes()).hasSize(3).startsWith(cluster.primary());
    assertThat(cluster.replicas()).hasSize(2).allMatch(n -> n.role() == Role.REPLICA);
    assertThat(cluster.primary().role()).isEqualTo(Role.PRIMARY);
    Node p = cluster.primary();
    assertThat(p.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + p.port() + "/test");
    assertThat(cluster.lagwiseUrl())
        .isEqualTo(
            "jdbc:lagwise:postgresql://127.0.0.1:"
                + p.port()
                + ",127.0.0.1:"
                + cluster.replicas().get(0).port()
                + ",127.0.0.1:"
                + cluster.replicas().get(1).port()
                + "/test");
  }

  @Test
  void rowWrittenOnPrimaryAppearsOnEveryReplica() throws SQLException {
    exec(cluster.primary(), "CREATE TABLE everywhere (v text)");
    exec(cluster.primary(), "INSERT INTO everywhere VALUES ('hello')");
    cluster.awaitReplicasCaughtUp(CATCH_UP);
    for (Node r : cluster.replicas()) {
      assertThat(text(r, "SELECT string_agg(v, ',') FROM everywhere"))
          .as(r.name())
          .isEqualTo("hello");
    }
  }

  @Test
  void replicasRefuseWrites() throws SQLException {
    exec(cluster.primary(), "CREATE TABLE readonly (v int)");
    cluster.awaitReplicasCaughtUp(CATCH_UP);
    Node r = cluster.replicas().get(0);
    assertThatThrownBy(() -> exec(r, "INSERT INTO readonly VALUES (1)"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("read-only");
  }

  @Test
  void pausedReplicaFallsBehindAndCatchesUpAfterResume() throws SQLException {
    Node paused = cluster.replicas().get(0);
    Node other = cluster.replicas().get(1);
    exec(cluster.primary(), "CREATE TABLE paused (v int)");
    cluster.awaitReplicasCaughtUp(CATCH_UP);

    paused.pauseReplay();
    exec(cluster.primary(), "INSERT INTO paused VALUES (1)");
    other.awaitCaughtUp(CATCH_UP);
    PgProcess.sleep(300); // give the paused one every chance to apply it anyway
    assertThat(count(other, "paused")).isEqualTo(1);
    assertThat(count(paused, "paused")).isZero();
    assertThatThrownBy(() -> paused.awaitCaughtUp(Duration.ofMillis(300)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("did not replay");

    paused.resumeReplay();
    paused.awaitCaughtUp(CATCH_UP);
    assertThat(count(paused, "paused")).isEqualTo(1);
  }

  @Test
  void applyDelayDelaysVisibilityAndZeroClearsIt() throws SQLException {
    Node delayed = cluster.replicas().get(1);
    exec(cluster.primary(), "CREATE TABLE delayed (v int)");
    cluster.awaitReplicasCaughtUp(CATCH_UP);

    delayed.setApplyDelay(Duration.ofMillis(500));
    long millis = millisUntilVisible(delayed, "delayed", 1);
    assertThat(millis).isGreaterThanOrEqualTo(490);

    delayed.setApplyDelay(Duration.ZERO);
    assertThat(millisUntilVisible(delayed, "delayed", 2)).isLessThan(450);
  }

  @Test
  void hungReplicaTimesOutWhileTheOthersAnswer() throws SQLException {
    Node hung = cluster.replicas().get(1);
    Properties props = new Properties();
    props.setProperty("user", cluster.user());
    props.setProperty("password", cluster.password());
    props.setProperty("socketTimeout", "2");
    try (Connection open = new org.postgresql.Driver().connect(hung.jdbcUrl(), props);
        Statement s = open.createStatement()) {
      hung.hang();
      assertThat(hung.isRunning()).isTrue();
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> s.executeQuery("SELECT 1")).isInstanceOf(SQLException.class);
      long waited = (System.nanoTime() - t0) / 1_000_000;
      assertThat(waited).isBetween(1_500L, 15_000L);
      assertThat(text(cluster.primary(), "SELECT 'primary'")).isEqualTo("primary");
      assertThat(text(cluster.replicas().get(0), "SELECT 'replica'")).isEqualTo("replica");
    } finally {
      hung.unhang();
    }
    assertThat(text(hung, "SELECT 'back'")).isEqualTo("back");
  }

  // ---------------------------------------------------------------- helpers shared by PG tests

  static void exec(Node node, String sql) throws SQLException {
    try (Connection c = node.connect();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  static String text(Node node, String sql) throws SQLException {
    try (Connection c = node.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  static long count(Node node, String table) throws SQLException {
    return Long.parseLong(text(node, "SELECT count(*) FROM " + table));
  }

  /** Inserts row {@code v} on the primary and measures how long until {@code replica} shows it. */
  private long millisUntilVisible(Node replica, String table, int v) throws SQLException {
    try (Connection c = replica.connect();
        Statement s = c.createStatement()) {
      long t0 = System.nanoTime();
      exec(cluster.primary(), "INSERT INTO " + table + " VALUES (" + v + ")");
      while (true) {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table + " WHERE v = " + v)) {
          rs.next();
          if (rs.getInt(1) == 1) {
            return (System.nanoTime() - t0) / 1_000_000;
          }
        }
        assertThat(System.nanoTime() - t0)
            .as("row %d never replayed", v)
            .isLessThan(30_000_000_000L);
        PgProcess.sleep(5);
      }
    }
  }
}
