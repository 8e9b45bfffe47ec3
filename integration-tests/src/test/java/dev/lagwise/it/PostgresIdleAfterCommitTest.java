package dev.lagwise.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.jdbc.PgConnection;

/**
 * After {@code commit()} with autocommit off, the primary's backend is {@code idle}, as with PgJDBC
 * alone, never {@code idle in transaction}: a session that holds a transaction open between its
 * transactions keeps a snapshot (vacuum cannot clean up behind it) and looks leaked to a pool or an
 * {@code idle_in_transaction_session_timeout}. The read of the primary's position that follows a
 * commit must not begin a new transaction, also in a session unwrapped to a vendor object, whose
 * transactions Lagwise cannot see.
 */
@ReplicatedCluster(replicas = 2)
class PostgresIdleAfterCommitTest {

  static Cluster cluster;

  @BeforeAll
  static void schema(Cluster c) throws SQLException {
    cluster = c;
    try (Connection p = c.primary().connect();
        Statement s = p.createStatement()) {
      s.execute("DROP TABLE IF EXISTS iac_rows");
      s.execute("CREATE TABLE iac_rows (id int)");
    }
  }

  static Connection connect() throws SQLException {
    return DriverManager.getConnection(cluster.lagwiseUrl(), cluster.user(), cluster.password());
  }

  /** The primary's backend that serves {@code c}'s transaction; begins one. */
  static int primaryBackend(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_backend_pid(), pg_is_in_recovery()")) {
      rs.next();
      assertThat(rs.getBoolean(2))
          .as("autocommit off: the transaction is on the primary")
          .isFalse();
      return rs.getInt(1);
    }
  }

  /** {@code pg_stat_activity.state} of backend {@code pid}, seen from another connection. */
  static String state(int pid) throws SQLException {
    try (Connection p = cluster.primary().connect();
        PreparedStatement ps =
            p.prepareStatement("SELECT state FROM pg_stat_activity WHERE pid = ?")) {
      ps.setInt(1, pid);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as("backend %d exists", pid).isTrue();
        return rs.getString(1);
      }
    }
  }

  /**
   * {@code unwrapped}: the session was unwrapped to PgJDBC's connection class first (an internal
   * class, so the primary's vendor connection itself), as code that needs a vendor feature does.
   */
  @ParameterizedTest(name = "unwrapped to the vendor connection: {0}")
  @ValueSource(booleans = {false, true})
  void idleAfterCommittingAWrite(boolean unwrapped) throws SQLException {
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      if (unwrapped) {
        assertThat(c.unwrap(PgConnection.class)).isNotNull();
      }
      int pid = primaryBackend(c);
      try (Statement s = c.createStatement()) {
        s.executeUpdate("INSERT INTO iac_rows VALUES (1)");
      }
      assertThat(state(pid)).isEqualTo("idle in transaction");
      c.commit();
      assertThat(state(pid)).as("after commit()").isEqualTo("idle");
    }
  }

  @ParameterizedTest(name = "unwrapped to the vendor connection: {0}")
  @ValueSource(booleans = {false, true})
  void idleAfterCommittingNothing(boolean unwrapped) throws SQLException {
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      int pid = primaryBackend(c);
      c.commit();
      if (unwrapped) {
        assertThat(c.unwrap(PgConnection.class)).isNotNull();
      }
      c.commit();
      assertThat(state(pid)).as("after commit() with no transaction").isEqualTo("idle");
    }
  }

  @ParameterizedTest(name = "unwrapped to the vendor connection: {0}")
  @ValueSource(booleans = {false, true})
  void idleAfterCommittingAFailedTransaction(boolean unwrapped) throws SQLException {
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      if (unwrapped) {
        assertThat(c.unwrap(PgConnection.class)).isNotNull();
      }
      int pid = primaryBackend(c);
      try (Statement s = c.createStatement()) {
        assertThatThrownBy(() -> s.execute("SELECT * FROM iac_no_such_table"))
            .isInstanceOf(SQLException.class);
      }
      assertThat(state(pid)).isEqualTo("idle in transaction (aborted)");
      c.commit();
      assertThat(state(pid)).as("after commit()").isEqualTo("idle");
    }
  }

  @ParameterizedTest(name = "unwrapped to the vendor connection: {0}")
  @ValueSource(booleans = {false, true})
  void idleAfterSqlCommit(boolean unwrapped) throws SQLException {
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      if (unwrapped) {
        assertThat(c.unwrap(PgConnection.class)).isNotNull();
      }
      int pid = primaryBackend(c);
      try (Statement s = c.createStatement()) {
        s.executeUpdate("INSERT INTO iac_rows VALUES (2)");
        s.execute("COMMIT");
      }
      assertThat(state(pid)).as("after COMMIT").isEqualTo("idle");
    }
  }
}
