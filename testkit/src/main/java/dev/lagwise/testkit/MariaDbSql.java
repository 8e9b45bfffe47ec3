package dev.lagwise.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

/**
 * Administrative JDBC calls on one MariaDB node.
 *
 * <p>Every connection has a short connect timeout and a socket timeout, so a hung node (SIGSTOP)
 * makes a testkit call fail instead of blocking the test run forever.
 */
final class MariaDbSql {

  /** The application user tests get: everything but writing on a read-only replica. */
  static final String USER = "lagwise";

  static final String PASSWORD = "lagwise-secret";

  /**
   * Testkit's own user, also the replication user. It keeps READ_ONLY ADMIN (needed to change
   * {@code read_only} and to configure replication), which would let a write through on a replica
   * and break GTID strict mode there.
   */
  static final String ADMIN_USER = "lagwise_admin";

  static final String ADMIN_PASSWORD = "lagwise-admin-secret";

  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

  private MariaDbSql() {}

  /** A connection without a default database, which may not exist yet (replicas, startup). */
  static Connection admin(int port, Duration socketTimeout) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", ADMIN_USER);
    p.setProperty("password", ADMIN_PASSWORD);
    p.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_MILLIS));
    p.setProperty("socketTimeout", Long.toString(socketTimeout.toMillis()));
    return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/", p);
  }

  /** Runs statements in order on one connection. */
  static void exec(int port, String... sql) throws SQLException {
    try (Connection c = admin(port, Duration.ofSeconds(30));
        Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }

  /** The first column of the first row as a string; null when there is no row. */
  static String queryString(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  static String queryString(int port, String sql) throws SQLException {
    try (Connection c = admin(port, Duration.ofSeconds(30))) {
      return queryString(c, sql);
    }
  }

  /** The interesting columns of SHOW SLAVE STATUS, for failure messages. */
  static String slaveStatus(int port) {
    try (Connection c = admin(port, Duration.ofSeconds(10));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
      if (!rs.next()) {
        return "not a replica (SHOW SLAVE STATUS is empty)";
      }
      StringBuilder b = new StringBuilder();
      ResultSetMetaData md = rs.getMetaData();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        String column = md.getColumnLabel(i);
        if (column.matches(
            "Slave_(IO|SQL)_Running|Last_(IO|SQL)_Errno|Last_(IO|SQL)_Error|Gtid_(IO|Slave)_Pos"
                + "|SQL_Delay|Seconds_Behind_Master|Slave_SQL_Running_State")) {
          b.append(column).append('=').append(rs.getString(i)).append("; ");
        }
      }
      return b.toString();
    } catch (SQLException e) {
      return "SHOW SLAVE STATUS failed: " + e.getMessage();
    }
  }
}
