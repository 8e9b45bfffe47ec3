package dev.lagwise.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lagwise.LagwiseConnection;
import dev.lagwise.routing.RouteReason;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Routing decisions end to end through the real driver classes, with {@link StubDriver} standing in
 * for PgJDBC so each case can see which host ran each statement.
 */
class RoutingTest {

  private static final AtomicInteger CLUSTERS = new AtomicInteger();
  private String primary;
  private String replica1;
  private String replica2;

  @BeforeEach
  void setUp() throws SQLException {
    StubDriver.install();
    dev.lagwise.Driver.register();
    // A new host list per test: the cluster registry (and each host's health) is per JVM.
    int n = CLUSTERS.incrementAndGet();
    primary = "primary" + n + ":5432";
    replica1 = "replicaa" + n + ":5432";
    replica2 = "replicab" + n + ":5432";
  }

  /**
   * Routing mechanics without read-your-writes: the stub's positions never move, so consistency is
   * tested against real servers (integration-tests) instead.
   */
  private Connection connect(String params) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "app");
    p.setProperty("password", "hunter2");
    p.setProperty("lagwise.consistency", "none");
    String url =
        "jdbc:lagwise:postgresql://" + replica1 + "," + primary + "," + replica2 + "/shop" + params;
    return DriverManager.getConnection(url, p);
  }

  private static void run(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  @Test
  void autocommitReadsGoToAReplicaAndWritesToThePrimary() throws SQLException {
    try (Connection c = connect("")) {
      run(c, "SELECT * FROM orders WHERE id = 1");
      run(c, "INSERT INTO orders VALUES (1)");
      run(c, "SELECT * FROM orders FOR UPDATE");
    }
    assertThat(StubDriver.hostsFor("WHERE id = 1")).singleElement().isIn(replica1, replica2);
    assertThat(StubDriver.hostsFor("INSERT INTO orders")).containsExactly(primary);
    assertThat(StubDriver.hostsFor("FOR UPDATE")).containsExactly(primary);
  }

  @Test
  void getConnectionOpensThePrimaryAndReplicasOpenOnFirstUse() throws SQLException {
    try (Connection c = connect("")) {
      assertThat(StubDriver.OPENED).containsOnlyKeys(primary);
      c.setAutoCommit(false);
      c.setAutoCommit(true);
      c.setReadOnly(true);
      c.setReadOnly(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      c.clearWarnings();
      c.getTransactionIsolation();
      assertThat(StubDriver.OPENED).containsOnlyKeys(primary);
      for (int i = 0; i < 5; i++) {
        run(c, "SELECT 1");
      }
      assertThat(StubDriver.OPENED).containsKey(primary).hasSize(2);
    }
    StubDriver.OPENED.clear();
    try (Connection c = connect("")) {
      run(c, "UPDATE t SET a = 1");
      assertThat(StubDriver.OPENED).containsOnlyKeys(primary);
    }
  }

  @Test
  void withThePrimaryDownGetConnectionKeepsAReplicaAndWritesFailWithA08State() throws Exception {
    StubDriver.DOWN.put(primary, true);
    try (Connection c = connect("?lagwise.pollInterval=20ms")) {
      assertThat(StubDriver.OPENED).doesNotContainKey(primary).hasSize(1);
      assertThatThrownBy(() -> run(c, "UPDATE t SET a = 1"))
          .isInstanceOf(SQLTransientConnectionException.class)
          .hasMessageContaining(primary)
          .extracting(e -> ((SQLException) e).getSQLState())
          .asString()
          .startsWith("08");
    }
  }

  @Test
  void aTransactionRunsOnOneNodeAndOnlyReadOnlyOnesOnAReplica() throws SQLException {
    try (Connection c = connect("")) {
      c.setAutoCommit(false);
      run(c, "SELECT 'tx1'");
      run(c, "UPDATE t SET a = 'tx1'");
      c.commit();
      c.setReadOnly(true);
      run(c, "SELECT 'tx2a'");
      run(c, "SELECT 'tx2b'");
      c.rollback();
    }
    assertThat(StubDriver.hostsFor("tx1")).containsExactly(primary, primary);
    String node = StubDriver.hostsFor("tx2a").get(0);
    assertThat(node).isIn(replica1, replica2);
    assertThat(StubDriver.hostsFor("tx2b")).containsExactly(node);
  }

  @Test
  void sqlTransactionsStayOnTheirNode() throws SQLException {
    try (Connection c = connect("")) {
      run(c, "BEGIN");
      run(c, "SELECT 'in-rw-tx'");
      run(c, "COMMIT");
      run(c, "START TRANSACTION READ ONLY");
      run(c, "SELECT 'in-ro-tx'");
      run(c, "COMMIT");
      run(c, "SELECT 'after'");
    }
    assertThat(StubDriver.hostsFor("in-rw-tx")).containsExactly(primary);
    assertThat(StubDriver.hostsFor("in-ro-tx")).singleElement().isIn(replica1, replica2);
    assertThat(StubDriver.hostsFor("START TRANSACTION READ ONLY"))
        .isEqualTo(StubDriver.hostsFor("in-ro-tx"));
  }

  @Test
  void aSetThatStartsATransactionStartsItWhereTheTransactionBelongs() throws SQLException {
    try (Connection c = connect("")) {
      run(c, "SELECT 'open-a-replica'");
      c.setAutoCommit(false);
      run(c, "SET statement_timeout = 1000");
      run(c, "UPDATE t SET a = 'after-set'");
      c.commit();
    }
    assertThat(StubDriver.hostsFor("statement_timeout")).first().isEqualTo(primary);
    assertThat(StubDriver.hostsFor("after-set")).containsExactly(primary);
  }

  @Test
  void hintsOverrideClassification() throws SQLException {
    try (Connection c = connect("")) {
      run(c, "/*lagwise:primary*/ SELECT 'hinted'");
      run(c, "/* x */ /*lagwise:replica*/ SELECT nextval('s') AS hinted2");
    }
    assertThat(StubDriver.hostsFor("'hinted'")).containsExactly(primary);
    assertThat(StubDriver.hostsFor("hinted2")).singleElement().isIn(replica1, replica2);
  }

  @Test
  void sessionSetIsReplayedOnConnectionsOpenedLater() throws SQLException {
    try (Connection c = connect("")) {
      run(c, "UPDATE t SET a = 1");
      run(c, "SET search_path = app");
      run(c, "SELECT 'after-set'");
    }
    String replica = StubDriver.hostsFor("after-set").get(0);
    assertThat(replica).isIn(replica1, replica2);
    assertThat(StubDriver.hostsFor("SET search_path")).containsExactly(primary, replica);
    int set = -1;
    int read = -1;
    for (int i = 0; i < StubDriver.LOG.size(); i++) {
      StubDriver.Executed e = StubDriver.LOG.get(i);
      if (e.host().equals(replica) && e.sql().contains("search_path")) {
        set = i;
      } else if (e.sql().contains("after-set")) {
        read = i;
      }
    }
    assertThat(set).isLessThan(read);
  }

  @Test
  void nonReplayableSessionStatePinsToThePrimaryUntilDiscardAll() throws SQLException {
    try (Connection c = connect("")) {
      LagwiseConnection lw = c.unwrap(LagwiseConnection.class);
      run(c, "CREATE TEMP TABLE scratch (id int)");
      assertThat(lw.isPinnedToPrimary()).isTrue();
      run(c, "SELECT 'pinned-read'");
      run(c, "DISCARD ALL");
      assertThat(lw.isPinnedToPrimary()).isFalse();
      run(c, "SELECT 'free-read'");
    }
    assertThat(StubDriver.hostsFor("pinned-read")).containsExactly(primary);
    assertThat(StubDriver.hostsFor("free-read")).singleElement().isIn(replica1, replica2);
  }

  @Test
  void aReadRejectedAsReadOnlyIsRetriedOnThePrimaryAndRemembered() throws SQLException {
    // The user declared write_fn safe, but the stub's replicas reject it with SQLState 25006.
    try (Connection c = connect("?lagwise.replicaSafeFunctions=write_fn")) {
      run(c, "SELECT write_fn()");
      run(c, "SELECT write_fn()");
    }
    assertThat(StubDriver.hostsFor("write_fn")).hasSize(3).endsWith(primary, primary);
    assertThat(StubDriver.hostsFor("write_fn").get(0)).isIn(replica1, replica2);
  }

  @Test
  void aDeadReplicaIsLeftOutAndItsReadRetriedElsewhere() throws SQLException {
    try (Connection c = connect("")) {
      run(c, "SELECT 'warm'");
      String first = StubDriver.hostsFor("warm").get(0);
      StubDriver.DOWN.put(first, true);
      run(c, "SELECT 'retried'");
      assertThat(StubDriver.hostsFor("retried")).doesNotContain(first).hasSize(1);
      run(c, "SELECT 'later'");
      assertThat(StubDriver.hostsFor("later")).doesNotContain(first);
    }
  }

  @Test
  void withThePrimaryGoneStrictReadsContinueWithinMaxLagAndWritesFailFastWithA08State()
      throws Exception {
    try (Connection c =
        connect("?lagwise.pollInterval=20ms&lagwise.maxLag=1s&lagwise.primaryLossReads=fail")) {
      run(c, "SELECT 'warm'");
      StubDriver.DOWN.put(primary, true);
      run(c, "SELECT 'still-served'");
      assertThat(StubDriver.hostsFor("still-served")).singleElement().isNotEqualTo(primary);
      assertThatThrownBy(() -> run(c, "UPDATE t SET a = 1"))
          .isInstanceOf(SQLTransientConnectionException.class)
          .hasMessageContaining(primary)
          .hasMessageNotContaining("hunter2")
          .extracting(e -> ((SQLException) e).getSQLState())
          .asString()
          .startsWith("08");
      // Without the primary nobody measures lag: past maxLag, replicas are no longer trusted.
      Thread.sleep(1200);
      assertThatThrownBy(() -> run(c, "SELECT 'too-stale'"))
          .isInstanceOf(SQLTransientConnectionException.class)
          .hasMessageContaining("lagwise.maxLag=1000ms");
      assertThat(StubDriver.hostsFor("too-stale")).isEmpty();
    }
  }

  @Test
  void withThePrimaryGoneCaughtUpReplicasServeBeyondMaxLag() throws Exception {
    try (Connection c = connect("?lagwise.pollInterval=20ms&lagwise.maxLag=1s")) {
      run(c, "SELECT 'warm'");
      StubDriver.DOWN.put(primary, true);
      Thread.sleep(1200);
      run(c, "SELECT 'beyond-max-lag'");
      assertThat(StubDriver.hostsFor("beyond-max-lag")).singleElement().isNotEqualTo(primary);
      assertThat(
              c.unwrap(LagwiseConnection.class)
                  .stats()
                  .statementsByReason()
                  .get(RouteReason.PRIMARY_UNREACHABLE))
          .isPositive();
      assertThatThrownBy(() -> run(c, "UPDATE t SET a = 1"))
          .isInstanceOf(SQLTransientConnectionException.class)
          .hasMessageContaining(primary)
          .hasMessageContaining("last seen");
    }
  }

  @Test
  void withThePrimaryUnreachableFromTheStartReplicaLagIsUnknownAndReadsFail() throws SQLException {
    StubDriver.DOWN.put(primary, true);
    try (Connection c = connect("")) {
      assertThatThrownBy(() -> run(c, "SELECT 'unknown-lag'"))
          .isInstanceOf(SQLTransientConnectionException.class)
          .hasMessageContaining("lag unknown")
          .extracting(e -> ((SQLException) e).getSQLState())
          .isEqualTo("08001");
    }
  }

  @Test
  void preparedReadsAreRoutedPerExecutionWithTheirParameters() throws SQLException {
    try (Connection c = connect("")) {
      try (PreparedStatement ps = c.prepareStatement("SELECT * FROM t WHERE id = ? -- routed")) {
        ps.setLong(1, 42L);
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.getStatement()).isSameAs(ps);
        }
        c.setAutoCommit(false);
        ps.executeQuery().close();
        c.commit();
        assertThat(ps.getConnection()).isSameAs(c);
      }
      try (PreparedStatement ps = c.prepareStatement("UPDATE t SET a = ? WHERE id = ?")) {
        ps.setString(1, "x");
        ps.setInt(2, 7);
        ps.executeUpdate();
        assertThat(ps.getConnection()).isSameAs(c);
      }
    }
    assertThat(StubDriver.hostsFor("-- routed")).hasSize(2);
    assertThat(StubDriver.hostsFor("-- routed").get(0)).isIn(replica1, replica2);
    assertThat(StubDriver.hostsFor("-- routed").get(1)).isEqualTo(primary);
    assertThat(StubDriver.hostsFor("UPDATE t SET a = ?")).containsExactly(primary);
  }

  @Test
  void aWriteInsideAReadOnlyReplicaTransactionRunsOnItsReplica() throws SQLException {
    try (Connection c = connect("")) {
      c.setReadOnly(true);
      c.setAutoCommit(false);
      run(c, "SELECT 'ro-tx'");
      // A write prepared in the transaction runs where the transaction is, and that server
      // refuses it (the stub replica does not), as it would on one vendor connection.
      try (PreparedStatement ps = c.prepareStatement("UPDATE t SET a = 2")) {
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("UPDATE t SET a = 3", new String[] {"id"})) {
        ps.executeUpdate();
      }
      assertThat(StubDriver.hostsFor("SET a = 2")).singleElement().isNotEqualTo(primary);
      assertThat(StubDriver.hostsFor("SET a = 3")).singleElement().isNotEqualTo(primary);
    }
  }

  @Test
  void aDeadVendorConnectionHoldingNothingMakesIsValidFalseAndClosesTheConnection()
      throws SQLException {
    Connection c = connect("");
    run(c, "SELECT 'warm'");
    assertThat(c.isValid(1)).isTrue();
    // An autocommit replica connection holds nothing, but a pool must still hear false (as from
    // PgJDBC on its broken socket) to replace it; a second call must not answer true.
    StubDriver.DOWN.put(StubDriver.hostsFor("warm").get(0), true);
    assertThat(c.isValid(1)).isFalse();
    assertThat(c.isValid(1)).isFalse();
    assertThat(c.isClosed()).isTrue();
    c.close();
  }

  @Test
  void closedConnectionsAndStatementsSayStateClass08() throws SQLException {
    Connection c = connect("");
    Statement s = c.createStatement();
    c.close();
    assertThat(c.isClosed()).isTrue();
    assertThat(s.isClosed()).isTrue();
    assertThat(c.isValid(1)).isFalse();
    assertThatThrownBy(() -> s.execute("SELECT 1"))
        .extracting(e -> ((SQLException) e).getSQLState())
        .isEqualTo("08003");
    assertThatThrownBy(c::createStatement)
        .extracting(e -> ((SQLException) e).getSQLState())
        .isEqualTo("08003");
  }

  @Test
  void resultSetsAnswerTheLagwiseStatementAndAreStable() throws SQLException {
    try (Connection c = connect("");
        Statement s = c.createStatement()) {
      assertThat(s.execute("SELECT 'rs'")).isTrue();
      ResultSet rs = s.getResultSet();
      assertThat(rs.getStatement()).isSameAs(s);
      assertThat(s.getResultSet()).isSameAs(rs);
      assertThat(s.getConnection()).isSameAs(c);
    }
  }

  @Test
  void leastInFlightUsesReplicas() throws SQLException {
    try (Connection c = connect("?lagwise.loadBalance=least-in-flight")) {
      for (int i = 0; i < 4; i++) {
        run(c, "SELECT 'lif'");
      }
    }
    assertThat(StubDriver.hostsFor("'lif'")).hasSize(4).doesNotContain(primary);
  }
}
