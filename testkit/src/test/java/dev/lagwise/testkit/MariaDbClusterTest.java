package dev.lagwise.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One primary and two replicas shared by every test here: each test leaves the cluster in a shape
 * that {@link Cluster#reset()} repairs, and writes only to its own table.
 */
class MariaDbClusterTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final AtomicInteger TABLES = new AtomicInteger();

  private static MariaDbCluster cluster;
  private static Node primary;
  private static Node replica1;
  private static Node replica2;

  @BeforeAll
  static void startCluster() {
    long t0 = System.nanoTime();
    cluster = MariaDbCluster.builder().replicas(2).start();
    System.out.printf(
        java.util.Locale.ROOT,
        "MariaDB cluster of 3 started in %d ms%n",
        (System.nanoTime() - t0) / 1_000_000);
    primary = cluster.primary();
    replica1 = cluster.replicas().get(0);
    replica2 = cluster.replicas().get(1);
  }

  @AfterAll
  static void closeCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @AfterEach
  void resetCluster() {
    assertThat(cluster.reset()).isTrue();
  }

  @Test
  void describesItsNodesAndUrls() throws SQLException {
    assertThat(cluster.engine()).isEqualTo(Engine.MARIADB);
    assertThat(cluster.nodes()).containsExactly(primary, replica1, replica2);
    assertThat(primary.role()).isEqualTo(Role.PRIMARY);
    assertThat(List.of(replica1.role(), replica2.role())).containsOnly(Role.REPLICA);
    assertThat(List.of(primary.port(), replica1.port(), replica2.port())).doesNotHaveDuplicates();
    assertThat(cluster.lagwiseUrl())
        .isEqualTo(
            "jdbc:lagwise:mariadb://127.0.0.1:"
                + primary.port()
                + ",127.0.0.1:"
                + replica1.port()
                + ",127.0.0.1:"
                + replica2.port()
                + "/test");
    assertThat(replica1.jdbcUrl())
        .isEqualTo("jdbc:mariadb://127.0.0.1:" + replica1.port() + "/test");
    assertThat(query(primary, "SELECT @@read_only")).isEqualTo("0");
    assertThat(query(replica1, "SELECT @@read_only")).isEqualTo("1");
    assertThat(query(replica2, "SELECT @@read_only")).isEqualTo("1");
    assertThatThrownBy(() -> exec(replica1, "CREATE TABLE not_here (id INT)"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("read-only");
  }

  @Test
  void rowWrittenOnPrimaryAppearsOnEveryReplica() throws Exception {
    String table = newTable();
    exec(primary, "INSERT INTO " + table + " VALUES (1, 'hello')");
    // Poll rather than use awaitCaughtUp, so this test does not rely on what it checks elsewhere.
    for (Node r : cluster.replicas()) {
      awaitRow(r, table, 1, WAIT);
      assertThat(query(r, "SELECT v FROM " + table + " WHERE id = 1")).isEqualTo("hello");
    }
    String primaryPos = query(primary, "SELECT @@gtid_binlog_pos");
    assertThat(primaryPos).matches("0-1-\\d+");
    for (Node r : cluster.replicas()) {
      assertThat(query(r, "SELECT @@gtid_slave_pos")).isEqualTo(primaryPos);
      assertThat(slaveStatus(r, "Using_Gtid")).isEqualTo("Slave_Pos");
    }
  }

  @Test
  void stoppedReplayShowsAsAStoppedApplierAndResumes() throws Exception {
    String table = newTable();
    cluster.awaitReplicasCaughtUp(WAIT);
    replica1.stopReplay();
    exec(primary, "INSERT INTO " + table + " VALUES (1, 'while stopped')");
    awaitRow(replica2, table, 1, WAIT);
    assertThat(slaveStatus(replica1, "Slave_SQL_Running")).isEqualTo("No");
    assertThat(count(replica1, table)).isZero();
    replica1.resumeReplay();
    replica1.awaitCaughtUp(WAIT);
    assertThat(count(replica1, table)).isEqualTo(1);
  }

  @Test
  void pausedReplicaFallsBehindAndCatchesUpOnResume() throws Exception {
    String table = newTable();
    cluster.awaitReplicasCaughtUp(WAIT);
    replica1.pauseReplay();
    exec(primary, "INSERT INTO " + table + " VALUES (1, 'while paused')");
    awaitRow(replica2, table, 1, WAIT);
    // The applier waits for the read lock: replication looks healthy, replay does not move.
    assertThatThrownBy(() -> replica1.awaitCaughtUp(Duration.ofSeconds(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("did not replay")
        .hasMessageContaining("Slave_SQL_Running=Yes");
    assertThat(count(replica1, table)).isZero();
    // Paused replicas are skipped, so this returns although replica1 is behind.
    cluster.awaitReplicasCaughtUp(WAIT);

    replica1.resumeReplay();
    replica1.awaitCaughtUp(WAIT);
    assertThat(count(replica1, table)).isEqualTo(1);
  }

  @Test
  void applyDelayHoldsBackReplayAndZeroClearsIt() throws Exception {
    String table = newTable();
    cluster.awaitReplicasCaughtUp(WAIT);
    // MASTER_DELAY compares whole-second timestamps: testkit asks for ceil(1.5 s) + 1 = 3 s so
    // the transaction is held back at least the 1.5 s asked for.
    replica1.setApplyDelay(Duration.ofMillis(1500));
    assertThat(slaveStatus(replica1, "SQL_Delay")).isEqualTo("3");

    exec(primary, "INSERT INTO " + table + " VALUES (1, 'delayed')");
    long committed = System.nanoTime();
    awaitRow(replica2, table, 1, WAIT);
    assertThat(count(replica1, table)).isZero();
    awaitRow(replica1, table, 1, WAIT);
    long delayMillis = (System.nanoTime() - committed) / 1_000_000;
    assertThat(delayMillis).isBetween(1500L, 10_000L);

    replica1.setApplyDelay(Duration.ZERO);
    assertThat(slaveStatus(replica1, "SQL_Delay")).isEqualTo("0");
    exec(primary, "INSERT INTO " + table + " VALUES (2, 'prompt')");
    long t0 = System.nanoTime();
    awaitRow(replica1, table, 2, WAIT);
    assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(900L);
  }

  @Test
  void hungNodeTimesOutWhileOthersAnswer() throws Exception {
    String url = replica1.jdbcUrl() + "?connectTimeout=2000&socketTimeout=1500";
    try (Connection c = DriverManager.getConnection(url, cluster.user(), cluster.password());
        Statement s = c.createStatement()) {
      s.executeQuery("SELECT 1").close();
      replica1.hang();
      assertThat(replica1.isRunning()).isTrue();
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> s.executeQuery("SELECT 1")).isInstanceOf(SQLException.class);
      long waited = (System.nanoTime() - t0) / 1_000_000;
      assertThat(waited).isBetween(1_000L, 10_000L);
      assertThat(query(primary, "SELECT 1")).isEqualTo("1");
      assertThat(query(replica2, "SELECT 1")).isEqualTo("1");
    } finally {
      replica1.unhang();
    }
    assertThat(query(replica1, "SELECT 1")).isEqualTo("1");
    String table = newTable();
    exec(primary, "INSERT INTO " + table + " VALUES (1, 'after unhang')");
    replica1.awaitCaughtUp(WAIT);
    assertThat(count(replica1, table)).isEqualTo(1);
  }

  @Test
  void stoppedReplicaKeepsItsDataAndResumesReplication() throws Exception {
    String table = newTable();
    exec(primary, "INSERT INTO " + table + " VALUES (1, 'before')");
    replica1.awaitCaughtUp(WAIT);
    int port = replica1.port();
    replica1.stop();
    assertThat(replica1.isRunning()).isFalse();
    exec(primary, "INSERT INTO " + table + " VALUES (2, 'while stopped')");

    replica1.start();
    assertThat(replica1.port()).isEqualTo(port);
    assertThat(query(replica1, "SELECT @@read_only")).isEqualTo("1");
    replica1.awaitCaughtUp(WAIT);
    assertThat(count(replica1, table)).isEqualTo(2);
  }

  @Test
  void stoppedPrimaryComesBackAndReplicasReconnect() throws Exception {
    String table = newTable();
    exec(primary, "INSERT INTO " + table + " VALUES (1, 'before')");
    cluster.awaitReplicasCaughtUp(WAIT);
    primary.stop();
    assertThat(primary.isRunning()).isFalse();
    primary.start();
    assertThat(count(primary, table)).isEqualTo(1);
    exec(primary, "INSERT INTO " + table + " VALUES (2, 'after')");
    cluster.awaitReplicasCaughtUp(WAIT);
    assertThat(count(replica1, table)).isEqualTo(2);
    assertThat(count(replica2, table)).isEqualTo(2);
  }

  @Test
  void killedNodesKeepCommittedDataAndReplicationResumes() throws Exception {
    String table = newTable();
    exec(primary, "INSERT INTO " + table + " VALUES (1, 'before')");
    cluster.awaitReplicasCaughtUp(WAIT);

    replica2.kill();
    assertThat(replica2.isRunning()).isFalse();
    exec(primary, "INSERT INTO " + table + " VALUES (2, 'replica dead')");
    primary.kill();
    assertThat(primary.isRunning()).isFalse();

    primary.start();
    assertThat(count(primary, table)).isEqualTo(2);
    replica2.start();
    exec(primary, "INSERT INTO " + table + " VALUES (3, 'after')");
    cluster.awaitReplicasCaughtUp(WAIT);
    assertThat(count(replica1, table)).isEqualTo(3);
    assertThat(count(replica2, table)).isEqualTo(3);
    assertThat(query(replica2, "SELECT @@gtid_slave_pos"))
        .isEqualTo(query(primary, "SELECT @@gtid_binlog_pos"));
  }

  @Test
  void resetRepairsEveryFault() throws Exception {
    replica1.pauseReplay();
    replica2.setApplyDelay(Duration.ofSeconds(30));
    replica2.hang();
    primary.stop();

    assertThat(cluster.reset()).isTrue();

    assertThat(cluster.nodes()).allMatch(Node::isRunning);
    assertThat(slaveStatus(replica1, "Slave_SQL_Running")).isEqualTo("Yes");
    assertThat(slaveStatus(replica2, "SQL_Delay")).isEqualTo("0");
    String table = newTable();
    exec(primary, "INSERT INTO " + table + " VALUES (1, 'after reset')");
    cluster.awaitReplicasCaughtUp(WAIT);
    assertThat(count(replica1, table)).isEqualTo(1);
    assertThat(count(replica2, table)).isEqualTo(1);
  }

  // ---- helpers ----

  /** Creates a fresh table on the primary and waits until every replica has it. */
  private static String newTable() throws SQLException {
    String table = "t" + TABLES.incrementAndGet();
    exec(primary, "CREATE TABLE " + table + " (id INT PRIMARY KEY, v VARCHAR(40))");
    cluster.awaitReplicasCaughtUp(WAIT);
    return table;
  }

  private static void exec(Node node, String sql) throws SQLException {
    try (Connection c = node.connect();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static String query(Node node, String sql) throws SQLException {
    try (Connection c = node.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  private static int count(Node node, String table) throws SQLException {
    return Integer.parseInt(query(node, "SELECT COUNT(*) FROM " + table));
  }

  private static String slaveStatus(Node node, String column) throws SQLException {
    try (Connection c = node.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
      assertThat(rs.next()).as("%s is a replica", node.name()).isTrue();
      return rs.getString(column);
    }
  }

  private static void awaitRow(Node node, String table, int id, Duration timeout)
      throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (query(node, "SELECT id FROM " + table + " WHERE id = " + id) == null) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "row " + id + " of " + table + " never appeared on " + node.name() + " in " + timeout);
      }
      Thread.sleep(20);
    }
  }
}
