package dev.lagwise.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.ReplicatedCluster;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.assertj.core.api.AbstractStringAssert;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.util.PSQLException;

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
      // PgJDBC's own exception class, as its suite expects; -1 is no "not given" to PgJDBC.
      int scroll = ResultSet.TYPE_SCROLL_INSENSITIVE;
      int upd = ResultSet.CONCUR_UPDATABLE;
      assertThatThrownBy(() -> c.createStatement(-1, -1, -1)).isInstanceOf(PSQLException.class);
      assertThatThrownBy(() -> c.createStatement(scroll, -1)).isInstanceOf(PSQLException.class);
      assertThatThrownBy(() -> c.createStatement(scroll, upd, -1))
          .isInstanceOf(PSQLException.class);
      assertThatThrownBy(() -> c.prepareStatement("SELECT 1", scroll, upd, -1))
          .isInstanceOf(PSQLException.class);
      assertThatThrownBy(() -> c.prepareStatement("SELECT 1", scroll, -1))
          .isInstanceOf(PSQLException.class);
      assertThatThrownBy(() -> c.prepareCall("SELECT 1", scroll, upd, -1))
          .isInstanceOf(PSQLException.class);
      assertThatThrownBy(() -> c.prepareCall("SELECT 1", -1, -1, -1))
          .isInstanceOf(PSQLException.class);
      try (Statement s = c.createStatement(fwd, ro, ResultSet.CLOSE_CURSORS_AT_COMMIT)) {
        s.execute("SELECT 1");
      }
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

  // ---------------------------------------------------------------- a refused login

  /**
   * A server that refuses the session (no password for a password-authenticated role: 08004) fails
   * {@code getConnection} with PgJDBC's own exception, not a "no host accepts" wrapper around it;
   * and a first connection that failed so does not lock the monitor of that user out: the next
   * connection with the password gets in and reads.
   */
  @Test
  void aRefusedLoginThrowsPgJdbcsOwnExceptionAndLeavesTheMonitorUsable() throws Exception {
    String role = "pvt_login_" + System.nanoTime();
    String pw = "pvt pw " + System.nanoTime();
    try (Connection admin = connect("");
        Statement s = admin.createStatement()) {
      s.execute("CREATE ROLE " + role + " LOGIN PASSWORD '" + pw + "'");
    }
    SQLException vendor = refusal(cluster.primary().jdbcUrl(), role);
    assertThat(vendor.getSQLState()).isEqualTo("08004");
    SQLException lagwise = refusal(cluster.lagwiseUrl(), role);
    assertThat((Throwable) lagwise).isInstanceOf(vendor.getClass()).hasMessage(vendor.getMessage());
    assertThat(lagwise.getSQLState()).isEqualTo(vendor.getSQLState());
    try (Connection c = DriverManager.getConnection(cluster.lagwiseUrl(), role, pw);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT current_user")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo(role);
    }
  }

  private static SQLException refusal(String url, String role) {
    Properties p = new Properties();
    p.setProperty("user", role);
    try (Connection ignored = DriverManager.getConnection(url, p)) {
      throw new AssertionError("a login without password got in at " + url);
    } catch (SQLException e) {
      return e;
    }
  }

  // ---------------------------------------------------------------- as PgJDBC's statements do

  /** A prepared statement refuses other SQL, with PgJDBC's message and 42809. */
  @ParameterizedTest
  @ValueSource(strings = {"SELECT 1", "DELETE FROM pvt_none WHERE false"})
  void aPreparedStatementRefusesSqlStringsAsPgJdbcDoes(String sql) throws Exception {
    String message = "Can't use query methods that take a query string on a PreparedStatement.";
    try (Connection c = connect("");
        PreparedStatement ps = c.prepareStatement(sql)) {
      assertThatThrownBy(() -> ps.executeQuery("SELECT 2")).hasMessage(message);
      sqlState(() -> ps.executeQuery("SELECT 2")).isEqualTo("42809");
      sqlState(() -> ps.executeUpdate("CREATE TABLE pvt_never (id int)")).isEqualTo("42809");
      sqlState(() -> ps.execute("CREATE TABLE pvt_never (id int)")).isEqualTo("42809");
      sqlState(() -> ps.addBatch("CREATE TABLE pvt_never (id int)")).isEqualTo("42809");
      ps.close();
      sqlState(() -> ps.addBatch("SELECT 1")).as("closed first").isEqualTo("55000");
    }
    try (Connection c = connect("");
        ResultSet rs = c.getMetaData().getTables(null, null, "pvt_never", null)) {
      assertThat(rs.next()).as("nothing ran").isFalse();
    }
  }

  /** PgJDBC ignores a client-info name it does not know, with a warning on the connection. */
  @Test
  void anUnknownClientInfoNameWarnsAsPgJdbcDoes() throws Exception {
    try (Connection c = connect("")) {
      c.setClientInfo("NonexistentClientInfoName", "NoValue");
      SQLWarning w = c.getWarnings();
      assertThat((Throwable) w).isNotNull();
      assertThat(w.getSQLState()).isEqualTo("0A000");
      assertThat(c.getClientInfo("NonexistentClientInfoName")).isNull();
      c.setClientInfo("ApplicationName", "pvt-known");
      assertThat(c.getClientInfo("ApplicationName")).isEqualTo("pvt-known");
      c.clearWarnings();
      assertThat((Throwable) c.getWarnings()).isNull();
    }
  }
}
