package dev.lagwise.it;

import static dev.lagwise.it.HikariITSupport.backendCounts;
import static dev.lagwise.it.HikariITSupport.backends;
import static dev.lagwise.it.HikariITSupport.uniqueApplicationName;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.lagwise.LagwiseConnection;
import dev.lagwise.LagwiseDataSource;
import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Node;
import dev.lagwise.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.postgresql.PGConnection;
import org.postgresql.jdbc.PgConnection;

/**
 * HikariCP in front of Lagwise, configured both ways a pool user would: {@code jdbcUrl} (the driver
 * found through {@code DriverManager}) and {@code dataSourceClassName} ({@link LagwiseDataSource}
 * with bean properties). Which node ran a statement is read from the server itself ({@code
 * pg_is_in_recovery()}, {@code inet_server_port()}) and from {@link LagwiseConnection#lastNode()};
 * which physical connections exist is read from {@code pg_stat_activity} on every node through
 * direct connections, by a per-test {@code ApplicationName}.
 */
@ReplicatedCluster(replicas = 2)
class HikariPoolTest {

  private static final String TABLE = "hikari_pool_test_rows";
  private static final Duration CATCH_UP = Duration.ofSeconds(20);

  Cluster cluster;

  enum PoolKind {
    JDBC_URL,
    DATA_SOURCE_CLASS_NAME
  }

  @BeforeEach
  void createTable() throws SQLException {
    try (Connection c = cluster.primary().connect();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + TABLE
              + " (id bigserial PRIMARY KEY, note text NOT NULL, served_by int NOT NULL)");
    }
    cluster.awaitReplicasCaughtUp(CATCH_UP);
    // The first connection to a cluster in this JVM gives the shared role monitor its vendor
    // properties; make sure that is not one of the pools below (see HikariRegressionTest).
    try (Connection c =
            DriverManager.getConnection(cluster.lagwiseUrl(), cluster.user(), cluster.password());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT 1")) {
      assertThat(rs.next()).isTrue();
    }
  }

  private HikariDataSource pool(PoolKind kind, String applicationName, int size) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(applicationName);
    config.setMaximumPoolSize(size);
    config.setConnectionTimeout(10_000);
    if (kind == PoolKind.JDBC_URL) {
      config.setJdbcUrl(cluster.lagwiseUrl());
      config.setUsername(cluster.user());
      config.setPassword(cluster.password());
      // Hikari hands data source properties to the driver as Properties; PgJDBC gets it.
      config.addDataSourceProperty("ApplicationName", applicationName);
      // Reads right after a write wait for a replica to replay it (read-your-writes) instead of
      // going to the primary, so these routing checks see replicas.
      config.addDataSourceProperty("lagwise.waitForReplica", "2s");
    } else {
      config.setDataSourceClassName(LagwiseDataSource.class.getName());
      // LagwiseDataSource has no setter for PgJDBC's properties: they go in the URL, unchanged.
      config.addDataSourceProperty(
          "url", cluster.lagwiseUrl() + "?ApplicationName=" + applicationName);
      config.addDataSourceProperty("user", cluster.user());
      config.addDataSourceProperty("password", cluster.password());
      config.addDataSourceProperty("loadBalance", "least-in-flight");
      config.addDataSourceProperty("waitForReplica", "2s");
    }
    return new HikariDataSource(config);
  }

  private Set<Integer> replicaPorts() {
    Set<Integer> ports = new java.util.TreeSet<>();
    for (Node n : cluster.replicas()) {
      ports.add(n.port());
    }
    return ports;
  }

  private String primaryName() {
    return cluster.primary().name();
  }

  /** Runs {@code SELECT pg_is_in_recovery(), inet_server_port()}; returns the port. */
  private static int assertReadOnReplica(Connection c, Set<Integer> replicaPorts)
      throws SQLException {
    try (PreparedStatement ps =
            c.prepareStatement("SELECT pg_is_in_recovery(), inet_server_port()");
        ResultSet rs = ps.executeQuery()) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getBoolean(1)).as("pg_is_in_recovery() of a pooled read").isTrue();
      int port = rs.getInt(2);
      assertThat(port).as("inet_server_port() of a pooled read").isIn(replicaPorts);
      String lastNode = c.unwrap(LagwiseConnection.class).lastNode();
      assertThat(lastNode).endsWith(":" + port);
      return port;
    }
  }

  /** Inserts a row through {@code c}; the row records the port of the server that wrote it. */
  private int insert(Connection c, String note) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO "
                + TABLE
                + " (note, served_by) VALUES (?, inet_server_port()) RETURNING served_by")) {
      ps.setString(1, note);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        int port = rs.getInt(1);
        assertThat(port).as("port of the server that ran the INSERT").isEqualTo(primaryPort());
        assertThat(c.unwrap(LagwiseConnection.class).lastNode()).endsWith(":" + port);
        return port;
      }
    }
  }

  private int primaryPort() {
    return cluster.primary().port();
  }

  private int countOnPrimary(String note) throws SQLException {
    try (Connection c = cluster.primary().connect();
        PreparedStatement ps =
            c.prepareStatement("SELECT count(*) FROM " + TABLE + " WHERE note = ?")) {
      ps.setString(1, note);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(PoolKind.class)
  void readsRunOnReplicasWritesOnThePrimaryAndAWriteIsReadBack(PoolKind kind) throws Exception {
    assertThat(HikariITSupport.primaryIsInRecovery(cluster)).isFalse();
    String note = "rw-" + kind + "-" + UUID.randomUUID();
    try (HikariDataSource pool = pool(kind, uniqueApplicationName("hk-rw"), 2)) {
      try (Connection c = pool.getConnection()) {
        assertReadOnReplica(c, replicaPorts());
        insert(c, note);
      }
      cluster.awaitReplicasCaughtUp(CATCH_UP);
      try (Connection c = pool.getConnection();
          PreparedStatement ps =
              c.prepareStatement(
                  "SELECT served_by, inet_server_port(), pg_is_in_recovery() FROM "
                      + TABLE
                      + " WHERE note = ?")) {
        ps.setString(1, note);
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).as("the written row, read back through the pool").isTrue();
          assertThat(rs.getInt(1)).isEqualTo(primaryPort());
          assertThat(rs.getInt(2)).isIn(replicaPorts());
          assertThat(rs.getBoolean(3)).isTrue();
          assertThat(rs.next()).isFalse();
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(PoolKind.class)
  void unwrapThroughTheHikariProxy(PoolKind kind) throws Exception {
    try (HikariDataSource pool = pool(kind, uniqueApplicationName("hk-unwrap"), 1);
        Connection c = pool.getConnection()) {
      assertThat(c).isNotInstanceOf(LagwiseConnection.class);
      assertThat(c.isWrapperFor(LagwiseConnection.class)).isTrue();
      LagwiseConnection lagwise = c.unwrap(LagwiseConnection.class);
      int port = assertReadOnReplica(c, replicaPorts());
      assertThat(lagwise.lastNode()).endsWith(":" + port);
      assertThat(lagwise.isPinnedToPrimary()).isFalse();

      assertThat(c.isWrapperFor(PGConnection.class)).isTrue();
      // Lagwise's connection is a PGConnection: its backend PID is the primary's, unpinned.
      assertThat(c.unwrap(PGConnection.class)).isSameAs(lagwise);
      int pid = c.unwrap(PGConnection.class).getBackendPID();
      assertThat(lagwise.isPinnedToPrimary()).isFalse();
      // PgConnection, an internal class, is the primary's physical connection, and pins.
      PgConnection pg = c.unwrap(PgConnection.class);
      assertThat(pg.getBackendPID()).isEqualTo(pid);
      try (Connection direct = cluster.primary().connect();
          PreparedStatement ps =
              direct.prepareStatement(
                  "SELECT count(*) FROM pg_stat_activity WHERE pid = ? AND application_name = ?")) {
        ps.setInt(1, pid);
        ps.setString(2, pool.getPoolName());
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          assertThat(rs.getInt(1)).as("backend %s of PGConnection on the primary", pid).isOne();
        }
      }
      // What is done through the vendor object is invisible to routing: the logical connection
      // is pinned to the primary from now on, so its reads see what the vendor object wrote.
      assertThat(lagwise.isPinnedToPrimary()).isTrue();
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
        rs.next();
        assertThat(rs.getBoolean(1)).as("a read after unwrap runs on the primary").isFalse();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(PoolKind.class)
  void aReadOnlyWorkloadOpensOnlyThePrimaryConnectionOfEachPooledConnection(PoolKind kind)
      throws Exception {
    String app = uniqueApplicationName("hk-ro");
    int size = 3;
    try (HikariDataSource pool = pool(kind, app, size)) {
      for (int cycle = 0; cycle < 20; cycle++) {
        List<Connection> borrowed = new ArrayList<>();
        try {
          for (int i = 0; i < size; i++) {
            borrowed.add(pool.getConnection());
          }
          for (int i = 0; i < size; i++) {
            readOnlyWork(borrowed.get(i), (cycle + i) % 4);
          }
        } finally {
          for (Connection c : borrowed) {
            c.close();
          }
        }
      }
      Map<String, Integer> counts = backendCounts(cluster, app);
      // getConnection() opens the primary's (it validates the credentials); reads open no more.
      assertThat(counts.get(primaryName()))
          .as("backends on the primary: %s", counts)
          .isLessThanOrEqualTo(size);
      int onReplicas = 0;
      for (Node r : cluster.replicas()) {
        assertThat(counts.get(r.name()))
            .as("backends per replica: %s", counts)
            .isLessThan(size + 1);
        onReplicas += counts.get(r.name());
      }
      assertThat(onReplicas).as("backends on replicas: %s", counts).isPositive();
    }
  }

  /** Read-only work in one of four shapes that leave state for the pool to reset. */
  private void readOnlyWork(Connection c, int shape) throws SQLException {
    switch (shape) {
      case 0 -> assertReadOnReplica(c, replicaPorts());
      case 1 -> {
        c.setReadOnly(true);
        c.setAutoCommit(false);
        int first = assertReadOnReplica(c, replicaPorts());
        assertThat(assertReadOnReplica(c, replicaPorts())).isEqualTo(first);
        c.commit();
      }
      case 2 -> {
        // Left open: Hikari rolls it back on return.
        c.setReadOnly(true);
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        assertReadOnReplica(c, replicaPorts());
      }
      default -> {
        c.setTransactionIsolation(Connection.TRANSACTION_READ_UNCOMMITTED);
        c.setReadOnly(true);
        assertReadOnReplica(c, replicaPorts());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(PoolKind.class)
  void aWriteOnlyWorkloadOpensNoBackendOnReplicas(PoolKind kind) throws Exception {
    String app = uniqueApplicationName("hk-wo");
    int size = 3;
    String prefix = "wo-" + UUID.randomUUID() + "-";
    List<String> rolledBack = new ArrayList<>();
    try (HikariDataSource pool = pool(kind, app, size)) {
      for (int cycle = 0; cycle < 15; cycle++) {
        List<Connection> borrowed = new ArrayList<>();
        try {
          for (int i = 0; i < size; i++) {
            borrowed.add(pool.getConnection());
          }
          for (int i = 0; i < size; i++) {
            String note = prefix + cycle + "-" + i;
            if (writeOnlyWork(borrowed.get(i), (cycle + i) % 3, note)) {
              rolledBack.add(note);
            }
          }
        } finally {
          for (Connection c : borrowed) {
            c.close();
          }
        }
      }
      Map<String, Integer> counts = backendCounts(cluster, app);
      for (Node r : cluster.replicas()) {
        assertThat(counts.get(r.name())).as("backends on replicas: %s", counts).isZero();
      }
      assertThat(counts.get(primaryName()))
          .as("backends on the primary: %s", counts)
          .isBetween(1, size);
    }
    assertThat(rolledBack).isNotEmpty();
    for (String note : rolledBack) {
      assertThat(countOnPrimary(note)).as("row of a transaction left open: " + note).isZero();
    }
  }

  /** Write work in one of three shapes; returns true when the pool is left to roll it back. */
  private boolean writeOnlyWork(Connection c, int shape, String note) throws SQLException {
    switch (shape) {
      case 0 -> {
        insert(c, note);
        return false;
      }
      case 1 -> {
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
        insert(c, note);
        // A read inside a read-write transaction stays on the primary.
        try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT count(*), pg_is_in_recovery() FROM " + TABLE + " WHERE note = ?")) {
          ps.setString(1, note);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            assertThat(rs.getInt(1)).isOne();
            assertThat(rs.getBoolean(2)).isFalse();
          }
        }
        c.commit();
        return false;
      }
      default -> {
        c.setAutoCommit(false);
        insert(c, note);
        return true;
      }
    }
  }

  @ParameterizedTest
  @EnumSource(PoolKind.class)
  void resetsOnReturnKeepTheSamePhysicalConnections(PoolKind kind) throws Exception {
    String app = uniqueApplicationName("hk-reuse");
    int size = 3;
    String prefix = "reuse-" + UUID.randomUUID() + "-";
    try (HikariDataSource pool = pool(kind, app, size)) {
      Map<String, Set<Integer>> afterWarmUp = null;
      for (int cycle = 0; cycle < 40; cycle++) {
        List<Connection> borrowed = new ArrayList<>();
        try {
          for (int i = 0; i < size; i++) {
            borrowed.add(pool.getConnection());
          }
          for (int i = 0; i < size; i++) {
            Connection c = borrowed.get(i);
            // Every pooled connection reads and writes in every cycle, in varying session modes.
            readOnlyWork(c, (cycle + i) % 4);
            if (!c.getAutoCommit()) {
              c.rollback();
              c.setAutoCommit(true);
            }
            c.setReadOnly(false);
            writeOnlyWork(c, (cycle + i) % 3, prefix + cycle + "-" + i);
          }
        } finally {
          for (Connection c : borrowed) {
            c.close();
          }
        }
        if (cycle == 0) {
          afterWarmUp = backends(cluster, app);
        }
      }
      Map<String, Set<Integer>> atEnd = backends(cluster, app);
      // Nothing was closed and reopened: every backend of the first cycle is still there. A logical
      // connection may add a connection to another replica later (least-in-flight, or a replica
      // that replayed a write first), bounded by the pool size per node, checked below.
      for (Map.Entry<String, Set<Integer>> e : afterWarmUp.entrySet()) {
        assertThat(atEnd.get(e.getKey()))
            .as("backend pids of %s after 40 cycles vs after the first", e.getKey())
            .containsAll(e.getValue());
      }
      assertThat(atEnd.get(primaryName())).as("primary backends: %s", atEnd).hasSize(size);
      for (Node r : cluster.replicas()) {
        assertThat(atEnd.get(r.name()).size())
            .as("replica backends: %s", atEnd)
            .isLessThan(size + 1);
      }
      assertThat(pool.getHikariPoolMXBean().getTotalConnections()).isEqualTo(size);
    }
    // Closing the pool closes every physical connection.
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    Map<String, Integer> counts = backendCounts(cluster, app);
    while (counts.values().stream().mapToInt(Integer::intValue).sum() > 0
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
      counts = backendCounts(cluster, app);
    }
    assertThat(counts.values()).as("backends after pool.close(): %s", counts).containsOnly(0);
  }
}
