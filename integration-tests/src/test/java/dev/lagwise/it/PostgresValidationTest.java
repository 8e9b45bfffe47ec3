package dev.lagwise.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.ReplicatedCluster;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.assertj.core.api.AbstractStringAssert;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Errors where PgJDBC raises them, with its SQLStates: {@code getConnection()} fails when no host
 * accepts the connection (pools rely on it at start-up), bad arguments fail at the call, {@code
 * setTransactionIsolation} inside a transaction fails, and {@code readOnly=true} in the URL holds
 * from the start.
 */
@ReplicatedCluster(replicas = 2)
class PostgresValidationTest {

  static Cluster cluster;

  @BeforeAll
  static void setUp(Cluster c) {
    cluster = c;
  }

  static Connection connect(String params) throws SQLException {
    return DriverManager.getConnection(
        cluster.lagwiseUrl() + params, cluster.user(), cluster.password());
  }

  static AbstractStringAssert<?> sqlState(ThrowingCall call) {
    return assertThatThrownBy(call::run)
        .isInstanceOf(SQLException.class)
        .extracting(e -> ((SQLException) e).getSQLState())
        .asString();
  }

  interface ThrowingCall {
    void run() throws Exception;
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  // ---------------------------------------------------------------- getConnection fails fast

  @Test
  void aWrongPasswordFailsAtGetConnectionWithTheVendorsState() {
    sqlState(() -> DriverManager.getConnection(cluster.lagwiseUrl(), cluster.user(), "wrong-pw"))
        .isEqualTo("28P01");
    assertThatThrownBy(
            () -> DriverManager.getConnection(cluster.lagwiseUrl(), cluster.user(), "wrong-pw"))
        .hasMessageNotContaining("wrong-pw");
  }

  @Test
  void anUnknownDatabaseFailsAtGetConnection() {
    String url = cluster.lagwiseUrl().replace("/" + cluster.database(), "/no_such_db");
    sqlState(() -> DriverManager.getConnection(url, cluster.user(), cluster.password()))
        .isEqualTo("3D000");
  }

  @Test
  void noReachableHostFailsAtGetConnectionWith08001() throws Exception {
    String url =
        "jdbc:lagwise:postgresql://127.0.0.1:"
            + freePort()
            + ",127.0.0.1:"
            + freePort()
            + "/"
            + cluster.database()
            + "?connectTimeout=2&lagwise.probeTimeout=1s";
    sqlState(() -> DriverManager.getConnection(url, cluster.user(), cluster.password()))
        .isEqualTo("08001");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sslmode=bogus", "prepareThreshold=abc"})
  void aBadVendorPropertyFailsAtGetConnectionAsPgJdbcDoes(String property) throws Exception {
    String direct = cluster.primary().jdbcUrl() + "?" + property;
    String vendorState = null;
    try (Connection ignored =
        DriverManager.getConnection(direct, cluster.user(), cluster.password())) {
      // accepted by PgJDBC: nothing to compare
    } catch (SQLException e) {
      vendorState = e.getSQLState();
    }
    assertThat(vendorState).as("PgJDBC refuses it").isNotNull();
    sqlState(() -> connect("?" + property)).isEqualTo(vendorState);
  }

  @Test
  void getConnectionOpensThePrimaryButNoReplica() throws Exception {
    String name = "validation-" + System.nanoTime();
    try (Connection c = connect("?ApplicationName=" + name)) {
      assertThat(PostgresLifecycleTest.backends(cluster, name))
          .as("the primary's connection, opened by getConnection")
          .isEqualTo(1);
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS pvt_items (id int)");
      }
      assertThat(PostgresLifecycleTest.backends(cluster, name))
          .as("a write reuses it")
          .isEqualTo(1);
      assertThat(c.isValid(2)).isTrue();
      assertThat(PostgresLifecycleTest.backends(cluster, name))
          .as("isValid asks the open connection and opens none")
          .isEqualTo(1);
    }
  }

  // ---------------------------------------------------------------- arguments checked at the call

  @Test
  void invalidResultSetTypeConcurrencyOrHoldabilityFailAtTheCall() throws Exception {
    try (Connection c = connect("")) {
      int fwd = ResultSet.TYPE_FORWARD_ONLY;
      int ro = ResultSet.CONCUR_READ_ONLY;
      int hold = ResultSet.HOLD_CURSORS_OVER_COMMIT;
      assertThatThrownBy(() -> c.createStatement(4711, ro))
          .hasMessage("Unknown value for ResultSet type")
          .extracting(e -> ((SQLException) e).getSQLState())
          .isEqualTo("22023");
      sqlState(() -> c.createStatement(fwd, 4711)).isEqualTo("22023");
      sqlState(() -> c.createStatement(fwd, ro, 4711)).isEqualTo("22023");
      sqlState(() -> c.prepareStatement("SELECT 1", 4711, ro)).isEqualTo("22023");
      sqlState(() -> c.prepareStatement("SELECT 1", fwd, 4711)).isEqualTo("22023");
      sqlState(() -> c.prepareStatement("SELECT 1", fwd, ro, 4711)).isEqualTo("22023");
      sqlState(() -> c.prepareStatement("DELETE FROM pvt_x", 4711, ro, hold)).isEqualTo("22023");
      sqlState(() -> c.prepareCall("SELECT 1", 4711, ro)).isEqualTo("22023");
      sqlState(() -> c.prepareCall("SELECT 1", fwd, ro, 4711)).isEqualTo("22023");
      assertThatThrownBy(() -> c.createStatement(fwd, ro, 4711))
          .hasMessage("Unknown value for ResultSet holdability");
      try (Statement s = c.createStatement(fwd, ro, hold)) {
        s.execute("SELECT 1");
      }
    }
  }

  @Test
  void setTransactionIsolationInsideATransactionFails() throws Exception {
    try (Connection c = connect("")) {
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try (Statement s = c.createStatement()) {
        s.execute("SELECT 1");
        sqlState(() -> c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE))
            .isEqualTo("25001");
        c.commit();
        c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
        c.setAutoCommit(true);
        s.execute("BEGIN");
        sqlState(() -> c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED))
            .isEqualTo("25001");
        s.execute("COMMIT");
      }
    }
  }

  @Test
  void readOnlyInTheUrlHoldsFromTheStart() throws Exception {
    try (Connection c = connect("?readOnly=true&lagwise.waitForReplica=2s")) {
      assertThat(c.isReadOnly()).isTrue();
      c.setAutoCommit(false);
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT inet_server_port()")) {
        rs.next();
        assertThat(rs.getInt(1))
            .as("a read-only transaction starts on a replica")
            .isNotEqualTo(cluster.primary().port());
      }
      c.rollback();
      c.setReadOnly(false);
      assertThat(c.isReadOnly()).isFalse();
    }
    try (Connection c = connect("?readOnly=false")) {
      assertThat(c.isReadOnly()).isFalse();
    }
  }

  @Test
  void readOnlyModeAlwaysRefusesAutocommitWritesLikePgJdbc() throws Exception {
    try (Connection c = connect("?readOnly=true&readOnlyMode=always");
        Statement s = c.createStatement()) {
      assertThat(c.isReadOnly()).isTrue();
      sqlState(() -> s.execute("CREATE TABLE pvt_never (id int)")).isEqualTo("25006");
    }
  }

  @Test
  void connectCostsAtMostOneVendorConnectMore() throws Exception {
    // Warm: the cluster (monitor, classifier) exists after the first connection in this JVM. One
    // connection stays open, as in a pool: otherwise each connect would also restart the
    // monitor's probes (three vendor connects of its own, on the same servers and cores).
    Connection held = connect("");
    int n = 40;
    long lagwise = 0;
    long vendor = 0;
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      connect("").close();
      long t1 = System.nanoTime();
      cluster.primary().connect().close();
      long t2 = System.nanoTime();
      lagwise += t1 - t0;
      vendor += t2 - t1;
    }
    held.close();
    System.out.printf(
        java.util.Locale.ROOT,
        "connect: lagwise %.2f ms, PgJDBC %.2f ms (mean of %d)%n",
        lagwise / 1e6 / n,
        vendor / 1e6 / n,
        n);
    assertThat(Duration.ofNanos(lagwise / n))
        .as("one vendor connect and a little")
        .isLessThan(Duration.ofNanos(vendor / n * 2 + 20_000_000L));
  }
}
