package dev.lagwise.it.tx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwise.LagwiseConnection;
import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Engine;
import dev.lagwise.testkit.Node;
import dev.lagwise.testkit.Role;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Helpers shared by the transaction and consistency case tests.
 *
 * <p>Every Lagwise connection here runs with {@code lagwise.maxLag=1h}: a replica whose replay is
 * paused then stays eligible for plain reads, so the only thing that can keep a read off it is the
 * session's consistency token. A missing token shows up as a stale read instead of being hidden by
 * bounded staleness after two seconds.
 */
final class Cases {

  private Cases() {}

  /** A new Lagwise connection with default consistency (JVM-wide causal) and {@code params}. */
  static Connection lagwise(Cluster cluster, String params) throws SQLException {
    String url =
        cluster.lagwiseUrl() + "?lagwise.maxLag=1h" + (params.isEmpty() ? "" : "&" + params);
    return DriverManager.getConnection(url, cluster.user(), cluster.password());
  }

  /**
   * A Lagwise connection a test class holds open from its first to its last test. The cluster's
   * monitor idles while no connection is open, and a monitor that just woke has no fresh snapshot,
   * which sends every read to the primary: that would hide the stale reads these tests look for.
   */
  static Connection keepMonitorAwake(Cluster cluster) throws SQLException {
    return lagwise(cluster, "ApplicationName=lagwise-keeper");
  }

  static Connection lagwise(Cluster cluster) throws SQLException {
    return lagwise(cluster, "");
  }

  /** A direct vendor connection to {@code node} with vendor URL {@code params}. */
  static Connection vendor(Cluster cluster, Node node, String params) throws SQLException {
    return DriverManager.getConnection(
        node.jdbcUrl() + "?" + params, cluster.user(), cluster.password());
  }

  /** Runs {@code sql} on the primary through the vendor driver, then waits for the replicas. */
  static void setUp(Cluster cluster, String... sql) throws SQLException {
    onPrimary(cluster, sql);
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
  }

  /** Runs {@code sql} on the primary through the vendor driver (nothing Lagwise can capture). */
  static void onPrimary(Cluster cluster, String... sql) throws SQLException {
    try (Connection c = cluster.primary().connect();
        Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }

  /**
   * Pauses replay on every replica and proves that stale reads are now observable: a row written on
   * the primary behind Lagwise's back ({@code canaryTable}, one {@code id bigint} column) must be
   * invisible to a fresh Lagwise connection. Until the monitor has seen the replicas catch up with
   * everything captured earlier, reads may still go to the primary, hence the wait.
   */
  static void pauseReplicas(Cluster cluster, String canaryTable) throws Exception {
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
    for (Node r : cluster.replicas()) {
      r.pauseReplay();
    }
    long canary = System.nanoTime();
    onPrimary(cluster, "INSERT INTO " + canaryTable + " VALUES (" + canary + ")");
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      try (Connection c = lagwise(cluster)) {
        if (count(c, "SELECT count(*) FROM " + canaryTable + " WHERE id = " + canary) == 0) {
          return;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError(
        "setup: with replay paused, a fresh Lagwise connection never read from a replica in 10 s,"
            + " so this test could not observe a stale read");
  }

  /** Resumes replay on every replica (safe to call when nothing is paused). */
  static void resumeReplicas(Cluster cluster) {
    for (Node n : cluster.nodes()) {
      if (n.role() == Role.REPLICA && n.isRunning()) {
        n.resumeReplay();
      }
    }
  }

  static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static String string(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** A JDBC call whose result or failure a test compares as text. */
  @FunctionalInterface
  interface SqlCall {
    Object call() throws SQLException;
  }

  /** The call's result as text, or its failure as "SQLState message". */
  static String attempt(SqlCall call) {
    try {
      return String.valueOf(call.call());
    } catch (SQLException e) {
      return e.getSQLState() + " " + e.getMessage();
    }
  }

  /** The ids of {@code table} rows with {@code run}, read on the primary by the vendor driver. */
  static List<Long> ids(Cluster cluster, String table, String run) throws SQLException {
    try (Connection c = cluster.primary().connect()) {
      return ids(c, table, run);
    }
  }

  /** The ids of {@code table} rows with {@code run}, read on {@code c}. */
  static List<Long> ids(Connection c, String table, String run) throws SQLException {
    List<Long> ids = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement("SELECT id FROM " + table + " WHERE run = ? ORDER BY id")) {
      ps.setString(1, run);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getLong(1));
        }
      }
    }
    return ids;
  }

  /** {@code host:port} of the node that ran {@code c}'s last statement. */
  static String lastNode(Connection c) throws SQLException {
    return c.unwrap(LagwiseConnection.class).lastNode();
  }

  static String hostPort(Node n) {
    return n.host() + ":" + n.port();
  }

  /** The SQL that returns the port of the server that runs it. */
  static String portQuery(Cluster cluster) {
    return cluster.engine() == Engine.MARIADB ? "SELECT @@port" : "SELECT inet_server_port()";
  }

  /**
   * How a {@code Statement.cancel()} from another thread went (PostgreSQL): where the statement
   * ran, what its execute threw (SQLState, or null), how long after the cancel it returned, and
   * whether a watchdog had to cancel it on the server because {@code cancel()} had no effect.
   */
  record Cancelled(String ranOn, String sqlState, long millisAfterCancel, boolean watchdog) {}

  /**
   * Runs {@code sql} (a long {@code pg_sleep}) on {@code s}; once the server shows it running for a
   * session named {@code app}, calls {@code s.cancel()} from another thread. If the statement still
   * runs 3 s later, cancels its backend directly so that the test ends soon.
   */
  static Cancelled cancelWhileRunning(Cluster cluster, Statement s, String sql, String app)
      throws Exception {
    AtomicReference<String> ranOn = new AtomicReference<>();
    AtomicLong cancelledAt = new AtomicLong();
    AtomicBoolean watchdog = new AtomicBoolean();
    CountDownLatch done = new CountDownLatch(1);
    Thread canceller =
        new Thread(
            () -> {
              try {
                Node node = awaitRunning(cluster, app, Duration.ofSeconds(5));
                if (node == null) {
                  return;
                }
                ranOn.set(node.name());
                cancelledAt.set(System.nanoTime());
                s.cancel();
                if (!done.await(3, TimeUnit.SECONDS)) {
                  watchdog.set(true);
                  try (Connection c = node.connect();
                      PreparedStatement ps =
                          c.prepareStatement(
                              "SELECT pg_cancel_backend(pid) FROM pg_stat_activity"
                                  + " WHERE application_name = ? AND state = 'active'")) {
                    ps.setString(1, app);
                    ps.executeQuery().close();
                  }
                }
              } catch (Exception e) {
                ranOn.compareAndSet(null, "canceller failed: " + e);
              }
            },
            "canceller-" + app);
    canceller.setDaemon(true);
    canceller.start();
    String state = null;
    try {
      s.execute(sql);
    } catch (SQLException e) {
      state = e.getSQLState();
    }
    long end = System.nanoTime();
    done.countDown();
    canceller.join(10_000);
    long after = cancelledAt.get() == 0 ? -1 : (end - cancelledAt.get()) / 1_000_000;
    return new Cancelled(ranOn.get(), state, after, watchdog.get());
  }

  /** The node where a session named {@code app} runs a statement, or null after {@code max}. */
  private static Node awaitRunning(Cluster cluster, String app, Duration max) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    List<Connection> probes = new ArrayList<>();
    try {
      for (Node n : cluster.nodes()) {
        probes.add(n.connect());
      }
      while (System.nanoTime() < deadline) {
        for (int i = 0; i < probes.size(); i++) {
          try (PreparedStatement ps =
              probes
                  .get(i)
                  .prepareStatement(
                      "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?"
                          + " AND state = 'active' AND query LIKE '%pg_sleep%'")) {
            ps.setString(1, app);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              if (rs.getLong(1) > 0) {
                return cluster.nodes().get(i);
              }
            }
          }
        }
        Thread.sleep(20);
      }
      return null;
    } finally {
      for (Connection c : probes) {
        c.close();
      }
    }
  }

  /** What a sequence of JDBC calls left behind: the first error (or null) and the rows. */
  record Outcome(String error, List<Long> rows) {}

  /** A sequence of JDBC calls writing rows of {@code run}. */
  @FunctionalInterface
  interface Scenario {
    void run(Connection c, String run) throws Exception;
  }

  /** Inserts row {@code id} of {@code run} into {@code table} (columns run, id). */
  static void insert(Connection c, String table, String run, long id) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO " + table + " VALUES ('" + run + "', " + id + ")");
    }
  }

  /** Rows of {@code run} as a fresh Lagwise connection reads them. */
  static List<Long> readElsewhere(Cluster cluster, String table, String run) throws SQLException {
    try (Connection c = lagwise(cluster)) {
      return ids(c, table, run);
    }
  }

  /**
   * Runs {@code scenario} on the vendor driver alone against the primary (the oracle, which must
   * give {@code expected}) and through Lagwise, which must give the same.
   */
  static void assertLikeVendor(
      Cluster cluster, String table, String name, Scenario scenario, Outcome expected)
      throws SQLException {
    String vendorName = cluster.engine() == Engine.MARIADB ? "Connector/J" : "PgJDBC";
    Outcome vendor =
        outcome(cluster, cluster.primary().connect(), table, name + "/vendor", scenario);
    Outcome lagwise = outcome(cluster, lagwise(cluster), table, name, scenario);
    assertThat(vendor).as("oracle: %s alone on the primary", vendorName).isEqualTo(expected);
    assertThat(lagwise).as("Lagwise (%s alone gives %s)", vendorName, vendor).isEqualTo(vendor);
  }

  /**
   * Runs {@code scenario} on {@code c} (closing it), then reads what the primary holds for {@code
   * run}: the same scenario on the vendor driver alone is the oracle.
   */
  static Outcome outcome(Cluster cluster, Connection c, String table, String run, Scenario scenario)
      throws SQLException {
    onPrimary(cluster, "DELETE FROM " + table + " WHERE run = '" + run + "'");
    String error = null;
    try (c) {
      scenario.run(c, run);
    } catch (Exception e) {
      error =
          (e instanceof SQLException sql ? sql.getSQLState() + " " : "")
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage();
    }
    return new Outcome(error, ids(cluster, table, run));
  }
}
