package dev.lagwise.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Statements in flight and dead vendor connections, as PgJDBC behaves: cancel() and close() from
 * another thread reach the running query; a closed statement says 55000 (not 08003, which pools
 * take for a dead connection); a lost vendor connection that held the transaction or unreplayable
 * state breaks the logical connection, which then says it is closed; one that held nothing is
 * reopened.
 */
@ReplicatedCluster(replicas = 2)
class PostgresConnectionLifecycleTest {

  static Cluster cluster;

  /** A socket timeout far above every deadline below: a test that waits for it fails. */
  static final String PARAMS = "?socketTimeout=30&lagwise.waitForReplica=2s";

  @BeforeAll
  static void setUp(Cluster c) throws SQLException {
    cluster = c;
    try (Connection p = c.primary().connect();
        Statement s = p.createStatement()) {
      s.execute("DROP TABLE IF EXISTS pcl_items");
      s.execute("CREATE TABLE pcl_items (id int)");
    }
    c.awaitReplicasCaughtUp(Duration.ofSeconds(30));
  }

  static Connection connect() throws SQLException {
    return DriverManager.getConnection(
        cluster.lagwiseUrl() + PARAMS, cluster.user(), cluster.password());
  }

  static int port(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getInt(1);
    }
  }

  static Node node(int port) {
    return cluster.nodes().stream().filter(n -> n.port() == port).findFirst().orElseThrow();
  }

  /** Terminates the backend {@code pid} of {@code node} from a connection of its own. */
  static void terminate(Node node, int pid) throws SQLException {
    try (Connection c = node.connect();
        Statement s = c.createStatement()) {
      s.execute("SELECT pg_terminate_backend(" + pid + ")");
    }
  }

  /** Runs {@code sleepSql} on {@code s}, calls {@code interrupt} from this thread once it runs. */
  static SQLException interrupted(Statement s, String sleepSql, Interrupt interrupt)
      throws Exception {
    CompletableFuture<SQLException> running =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                s.execute(sleepSql);
                return null;
              } catch (SQLException e) {
                return e;
              }
            });
    Thread.sleep(700);
    long start = System.nanoTime();
    interrupt.run();
    SQLException e = running.get(10, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .as("the interrupted query ends at once, not at the socket timeout")
        .isLessThan(Duration.ofSeconds(5));
    assertThat((Object) e).as("the running query fails").isNotNull();
    return e;
  }

  interface Interrupt {
    void run() throws Exception;
  }

  // ---------------------------------------------------------------- group 3: statements in flight

  @Test
  void cancelReachesAQueryRunningOnAReplica() throws Exception {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      int replica = port(s, "SELECT inet_server_port()");
      assertThat(replica).isNotEqualTo(cluster.primary().port());
      SQLException e = interrupted(s, "SELECT pg_sleep(20)", s::cancel);
      assertThat(e.getSQLState()).isEqualTo("57014");
      assertThat(port(s, "SELECT 1")).as("the statement is usable again").isEqualTo(1);
    }
  }

  @Test
  void cancelReachesAQueryRunningOnThePrimary() throws Exception {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      SQLException e = interrupted(s, "/*lagwise:primary*/ SELECT pg_sleep(20)", s::cancel);
      assertThat(e.getSQLState()).isEqualTo("57014");
      assertThat(c.unwrap(dev.lagwise.LagwiseConnection.class).isPinnedToPrimary()).isFalse();
    }
  }

  @Test
  void cancelInsideATransactionAbortsItLikeThePrimaryWould() throws Exception {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.executeUpdate("INSERT INTO pcl_items VALUES (1)");
      SQLException e = interrupted(s, "SELECT pg_sleep(20)", s::cancel);
      assertThat(e.getSQLState()).isEqualTo("57014");
      assertThatThrownBy(() -> s.execute("SELECT 1"))
          .extracting(x -> ((SQLException) x).getSQLState())
          .isEqualTo("25P02");
      c.rollback();
      assertThat(port(s, "SELECT 2")).isEqualTo(2);
      c.commit();
    }
  }

  @Test
  void cancelReachesAReadOnlyTransactionOnAReplica() throws Exception {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      c.setReadOnly(true);
      c.setAutoCommit(false);
      assertThat(port(s, "SELECT inet_server_port()")).isNotEqualTo(cluster.primary().port());
      SQLException e = interrupted(s, "SELECT pg_sleep(20)", s::cancel);
      assertThat(e.getSQLState()).isEqualTo("57014");
      c.rollback();
    }
  }

  @Test
  void cancelReachesAPreparedStatement() throws Exception {
    try (Connection c = connect();
        PreparedStatement routed = c.prepareStatement("SELECT pg_sleep(?)");
        PreparedStatement bound =
            c.prepareStatement("UPDATE pcl_items SET id = id WHERE pg_sleep(?) IS NOT NULL")) {
      routed.setInt(1, 20);
      CompletableFuture<SQLException> r = runAsync(routed);
      Thread.sleep(700);
      routed.cancel();
      assertThat(r.get(5, TimeUnit.SECONDS).getSQLState()).isEqualTo("57014");
      try (Statement s = c.createStatement()) {
        s.executeUpdate("INSERT INTO pcl_items VALUES (7)");
      }
      bound.setInt(1, 20);
      CompletableFuture<SQLException> b = runAsync(bound);
      Thread.sleep(700);
      bound.cancel();
      assertThat(b.get(5, TimeUnit.SECONDS).getSQLState()).isEqualTo("57014");
    }
  }

  static CompletableFuture<SQLException> runAsync(PreparedStatement ps) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            ps.execute();
            return null;
          } catch (SQLException e) {
            return e;
          }
        });
  }

  @Test
  void closingARunningStatementFromAnotherThreadEndsItPromptly() throws Exception {
    try (Connection c = connect()) {
      Statement s = c.createStatement();
      SQLException e =
          interrupted(
              s,
              "SELECT pg_sleep(20)",
              () -> {
                long start = System.nanoTime();
                s.close();
                assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .as("close() returns promptly")
                    .isLessThan(Duration.ofSeconds(3));
              });
      assertThat(e.getSQLState()).isIn("57014", "55000");
      assertThat(s.isClosed()).isTrue();
      try (Statement t = c.createStatement()) {
        assertThat(port(t, "SELECT 3")).as("the connection is fine").isEqualTo(3);
      }
      assertThat(c.isValid(2)).isTrue();
    }
  }

  @Test
  void aClosedStatementSays55000AndAClosedConnection08003() throws Exception {
    Connection c = connect();
    Statement s = c.createStatement();
    ResultSet rs = s.executeQuery("SELECT 1");
    rs.close();
    assertThatThrownBy(rs::next)
        .as("closed result set, as PgJDBC")
        .extracting(x -> ((SQLException) x).getSQLState())
        .isEqualTo("55000");
    s.close();
    assertClosedStatement(() -> s.execute("SELECT 1"));
    assertClosedStatement(() -> s.executeQuery("SELECT 1"));
    assertClosedStatement(s::getResultSet);
    assertClosedStatement(() -> s.setFetchSize(10));
    assertThat(s.getConnection()).as("PgJDBC answers it on a closed statement").isSameAs(c);
    s.cancel();
    PreparedStatement routed = c.prepareStatement("SELECT 1");
    routed.close();
    assertClosedStatement(routed::executeQuery);
    assertClosedStatement(routed::getMetaData);
    PreparedStatement bound = c.prepareStatement("INSERT INTO pcl_items VALUES (?)");
    bound.close();
    assertClosedStatement(bound::executeUpdate);
    assertClosedStatement(() -> bound.setInt(1, 1));
    c.setAutoCommit(false);
    assertClosedStatement(bound::executeUpdate);
    // Nothing began a transaction: the isolation level can still change.
    c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
    c.setAutoCommit(true);

    Statement open = c.createStatement();
    c.close();
    assertThatThrownBy(() -> open.execute("SELECT 1"))
        .extracting(x -> ((SQLException) x).getSQLState())
        .isEqualTo("08003");
    assertThatThrownBy(c::createStatement)
        .hasMessage("This connection has been closed.")
        .extracting(x -> ((SQLException) x).getSQLState())
        .isEqualTo("08003");
  }

  interface Call {
    void run() throws SQLException;
  }

  static void assertClosedStatement(Call call) {
    assertThatThrownBy(call::run)
        .isInstanceOf(SQLException.class)
        .hasMessage("This statement has been closed.")
        .extracting(x -> ((SQLException) x).getSQLState())
        .isEqualTo("55000");
  }

  // ---------------------------------------------------------------- group 4: dead vendor
  // connections

  @Test
  void losingTheTransactionsConnectionBreaksTheLogicalConnection() throws Exception {
    Connection c = connect();
    try (Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.executeUpdate("INSERT INTO pcl_items VALUES (2)");
      int pid = port(s, "SELECT pg_backend_pid()");
      terminate(cluster.primary(), pid);
      assertThatThrownBy(() -> s.execute("SELECT 1"))
          .isInstanceOf(SQLException.class)
          .extracting(x -> ((SQLException) x).getSQLState())
          .asString()
          .matches("08...|57P01");
      assertThat(c.isClosed()).as("as PgJDBC after a fatal error").isTrue();
      assertThat(c.isValid(2)).isFalse();
      assertThatThrownBy(c::commit)
          .extracting(x -> ((SQLException) x).getSQLState())
          .isEqualTo("08003");
      assertThatThrownBy(c::rollback)
          .extracting(x -> ((SQLException) x).getSQLState())
          .isEqualTo("08003");
      c.close();
    }
  }

  @Test
  void isValidAndIsClosedSeeTheLostTransactionBeforeAnyStatement() throws Exception {
    Connection c = connect();
    try (Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      int pid = port(s, "SELECT pg_backend_pid()");
      terminate(cluster.primary(), pid);
      assertThat(c.isValid(2)).isFalse();
      assertThat(c.isClosed()).isTrue();
      c.close();
    }
  }

  @Test
  void losingAReadOnlyTransactionOnAReplicaBreaksTheLogicalConnection() throws Exception {
    Connection c = connect();
    try (Statement s = c.createStatement()) {
      c.setReadOnly(true);
      c.setAutoCommit(false);
      int replica = port(s, "SELECT inet_server_port()");
      assertThat(replica).isNotEqualTo(cluster.primary().port());
      terminate(node(replica), port(s, "SELECT pg_backend_pid()"));
      assertThatThrownBy(() -> s.execute("SELECT 1")).isInstanceOf(SQLException.class);
      assertThat(c.isClosed()).isTrue();
      assertThatThrownBy(c::rollback)
          .extracting(x -> ((SQLException) x).getSQLState())
          .isEqualTo("08003");
      c.close();
    }
  }

  @Test
  void stoppingTheHostOfAReadOnlyTransactionBreaksTheLogicalConnection() throws Exception {
    Connection c = connect();
    Node stopped = null;
    try (Statement s = c.createStatement()) {
      c.setReadOnly(true);
      c.setAutoCommit(false);
      stopped = node(port(s, "SELECT inet_server_port()"));
      assertThat(stopped.port()).isNotEqualTo(cluster.primary().port());
      stopped.stop();
      assertThatThrownBy(() -> s.execute("SELECT 1"))
          .isInstanceOf(SQLException.class)
          .extracting(x -> ((SQLException) x).getSQLState())
          .asString()
          .matches("08...|57P01");
      assertThat(c.isClosed()).isTrue();
      assertThat(c.isValid(2)).isFalse();
      c.close();
    } finally {
      if (stopped != null) {
        stopped.start();
      }
    }
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
  }

  @Test
  void aPrimaryKnownToHangCostsGetConnectionNoConnectTimeout() throws Exception {
    // "localhost": a cluster of its own in this JVM, with a monitor that notices within a second.
    String url =
        cluster.lagwiseUrl().replace("127.0.0.1", "localhost")
            + "?connectTimeout=5&socketTimeout=5&lagwise.pollInterval=100ms"
            + "&lagwise.probeTimeout=1s&lagwise.maxLag=60s";
    Node primary = cluster.primary();
    try (Connection held = DriverManager.getConnection(url, cluster.user(), cluster.password())) {
      primary.hang();
      try {
        Thread.sleep(2500);
        long start = System.nanoTime();
        try (Connection c = DriverManager.getConnection(url, cluster.user(), cluster.password());
            Statement s = c.createStatement()) {
          assertThat(Duration.ofNanos(System.nanoTime() - start))
              .as("getConnection went to a replica without waiting for the hung primary")
              .isLessThan(Duration.ofSeconds(3));
          assertThat(port(s, "SELECT inet_server_port()")).isNotEqualTo(primary.port());
        }
      } finally {
        primary.unhang();
      }
    }
  }

  /**
   * PgJDBC's ConnectionValidTimeoutTest: {@code isValid(0)} on a connection whose server stopped
   * answering returns within the network timeout. Lagwise gives {@code setNetworkTimeout} to its
   * open vendor connections at once; before, only to one about to run a statement, and {@code
   * isValid(0)} waited for ever on the vendor connection it asked.
   */
  @Test
  void theNetworkTimeoutBoundsIsValidOnAHungHost() throws Exception {
    String url =
        cluster.lagwiseUrl().replace("127.0.0.1", "localhost")
            + "?socketTimeout=30&lagwise.pollInterval=100ms&lagwise.probeTimeout=1s";
    Node primary = cluster.primary();
    try (Connection c = DriverManager.getConnection(url, cluster.user(), cluster.password())) {
      assertThat(c.isValid(1)).isTrue();
      c.setNetworkTimeout(Runnable::run, 500);
      primary.hang();
      try {
        long start = System.nanoTime();
        c.isValid(0);
        assertThat(Duration.ofNanos(System.nanoTime() - start))
            .as("isValid(0) bounded by the 500 ms network timeout")
            .isLessThan(Duration.ofSeconds(3));
      } finally {
        primary.unhang();
      }
    }
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
  }

  @Test
  void losingThePinnedConnectionBreaksTheLogicalConnection() throws Exception {
    Connection c = connect();
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TEMP TABLE pcl_tmp (id int)");
      assertThat(c.unwrap(dev.lagwise.LagwiseConnection.class).isPinnedToPrimary()).isTrue();
      terminate(cluster.primary(), port(s, "SELECT pg_backend_pid()"));
      assertThatThrownBy(() -> s.execute("SELECT count(*) FROM pcl_tmp"))
          .isInstanceOf(SQLException.class);
      assertThat(c.isClosed()).as("the temporary table is gone with it").isTrue();
      assertThat(c.isValid(2)).isFalse();
      c.close();
    }
  }

  /**
   * PgJDBC answers false for a terminated backend (its IsValidTest#testIsValidRemoteClose) and
   * pools evict on false: so does Lagwise, though the dead connection held nothing, and it stays
   * false (the connection is closed) rather than answering true to the pool's next call.
   */
  @Test
  void inAutocommitALostPrimaryConnectionMakesIsValidFalse() throws Exception {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO pcl_items VALUES (3)");
      int pid = port(s, "/*lagwise:primary*/ SELECT pg_backend_pid()");
      terminate(cluster.primary(), pid);
      assertThat(c.isValid(2)).isFalse();
      assertThat(c.isValid(2)).isFalse();
      assertThat(c.isClosed()).isTrue();
    }
  }

  @Test
  void inAutocommitAStatementOnALostPrimaryConnectionReconnects() throws Exception {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      int pid = port(s, "/*lagwise:primary*/ SELECT pg_backend_pid()");
      terminate(cluster.primary(), pid);
      Thread.sleep(200);
      // The read finds the connection dead and runs again on a new one.
      assertThat(port(s, "/*lagwise:primary*/ SELECT 6")).isEqualTo(6);
      assertThat(port(s, "/*lagwise:primary*/ SELECT pg_backend_pid()")).isNotEqualTo(pid);
      assertThat(c.isClosed()).isFalse();
    }
  }

  @Test
  void inAutocommitAWriteOnALostConnectionFailsAndTheNextReconnects() throws Exception {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      int pid = port(s, "/*lagwise:primary*/ SELECT pg_backend_pid()");
      terminate(cluster.primary(), pid);
      Thread.sleep(200);
      // A write is not sent twice: it may have run. The application sees the vendor's error.
      assertThatThrownBy(() -> s.executeUpdate("INSERT INTO pcl_items VALUES (5)"))
          .extracting(x -> ((SQLException) x).getSQLState())
          .asString()
          .matches("08...|57P01");
      assertThat(c.isClosed()).as("nothing was lost but a connection").isFalse();
      assertThat(c.isValid(2)).isTrue();
      s.executeUpdate("INSERT INTO pcl_items VALUES (5)");
      assertThat(port(s, "/*lagwise:primary*/ SELECT pg_backend_pid()")).isNotEqualTo(pid);
    }
  }

  @Test
  void inAutocommitALostReplicaConnectionIsReopened() throws Exception {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      int replica = port(s, "SELECT inet_server_port()");
      terminate(node(replica), port(s, "SELECT pg_backend_pid()"));
      Thread.sleep(200);
      assertThat(port(s, "SELECT 5")).isEqualTo(5);
      assertThat(c.isValid(2)).isTrue();
    }
  }

  /**
   * PgJDBC's SocketTimeoutTest and NetworkTimeoutTest: a statement outlasting the socket timeout
   * fails and the connection is closed. Lagwise does not run it again on the same host, a read
   * neither (it may be a slow query, and a second run on a new connection would double the wait),
   * and closes the logical connection. The read waits for a lock held on the primary. (A read that
   * timed out on a replica runs once elsewhere instead: PostgresFailureTest's hung replica.)
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"socketTimeout", "networkTimeout"})
  void aReadOutlastingTheSocketTimeoutRunsOnceAndClosesTheConnection(String how) throws Exception {
    boolean network = how.equals("networkTimeout");
    String url = cluster.lagwiseUrl() + (network ? PARAMS : "?socketTimeout=1");
    try (Connection locker = cluster.primary().connect();
        Statement l = locker.createStatement();
        Connection c = DriverManager.getConnection(url, cluster.user(), cluster.password());
        Statement s = c.createStatement()) {
      if (network) {
        c.setNetworkTimeout(Runnable::run, 1000);
      }
      locker.setAutoCommit(false);
      l.execute("LOCK TABLE pcl_items IN ACCESS EXCLUSIVE MODE");
      long start = System.nanoTime();
      assertThatThrownBy(() -> s.executeQuery("/*lagwise:primary*/ SELECT count(*) FROM pcl_items"))
          .isInstanceOf(SQLException.class);
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      locker.rollback();
      assertThat(elapsedMs).as("one timeout of 1 s, not two").isBetween(900L, 1800L);
      assertThat(c.isClosed()).as("closed, as PgJDBC closes its connection").isTrue();
    }
  }

  /**
   * PgJDBC's ClientEncodingTest and DateStyleTest: PgJDBC closes its connection when the server
   * reports a client_encoding other than UTF8 or a DateStyle not ISO. The session asked for a
   * setting the driver refuses: the logical connection closes too, rather than going on without it
   * on a new vendor connection.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {"SET client_encoding = 'sql_ascii'", "SET DateStyle = 'German'"})
  void aSessionSettingTheVendorRefusesClosesTheConnection(String sql) throws Exception {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.execute(sql))
          .extracting(x -> ((SQLException) x).getSQLState())
          .asString()
          .startsWith("08");
      assertThat(c.isClosed()).isTrue();
    }
  }
}
