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
 * Administrative JDBC calls on one MySQL node, through MySQL Connector/J as {@code root}.
 *
 * <p>Every connection has a short connect timeout and a socket timeout, so a paused container makes
 * a testkit call fail instead of blocking the test run.
 */
final class MySqlSql {

  /** The application user tests get: all privileges on {@code test}, none to write a replica. */
  static final String USER = "lagwise";

  static final String PASSWORD = "lagwise-secret";

  /** Testkit's own account: the image's {@code root}, with a password of its own. */
  static final String ADMIN_USER = "root";

  static final String ADMIN_PASSWORD = "lagwise-admin-secret";

  /**
   * The replication account, created on every node outside the binary log. A user of its own rather
   * than root, so that a replica's connection to its source has only REPLICATION SLAVE.
   */
  static final String REPL_USER = "lagwise_repl";

  static final String REPL_PASSWORD = "lagwise-repl-secret";

  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

  private MySqlSql() {}

  /** A connection without a default database. */
  static Connection admin(String host, int port, Duration socketTimeout) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", ADMIN_USER);
    p.setProperty("password", ADMIN_PASSWORD);
    p.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_MILLIS));
    p.setProperty("socketTimeout", Long.toString(socketTimeout.toMillis()));
    // caching_sha2_password's first login after a start needs TLS (the default) or the RSA key
    p.setProperty("allowPublicKeyRetrieval", "true");
    return DriverManager.getConnection("jdbc:mysql://" + host + ":" + port + "/", p);
  }

  /** Runs statements in order on one connection. */
  static void exec(String host, int port, String... sql) throws SQLException {
    try (Connection c = admin(host, port, Duration.ofSeconds(30));
        Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }

  /** The first column of the first row as a string; null when there is no row. */
  static String queryString(String host, int port, String sql) throws SQLException {
    try (Connection c = admin(host, port, Duration.ofSeconds(30));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  /** The interesting columns of SHOW REPLICA STATUS, for failure messages. */
  static String replicaStatus(String host, int port) {
    try (Connection c = admin(host, port, Duration.ofSeconds(10));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW REPLICA STATUS")) {
      if (!rs.next()) {
        return "not a replica (SHOW REPLICA STATUS is empty)";
      }
      StringBuilder b = new StringBuilder();
      ResultSetMetaData md = rs.getMetaData();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        String column = md.getColumnLabel(i);
        if (column.matches(
            "Replica_(IO|SQL)_Running|Last_(IO|SQL)_Errno|Last_(IO|SQL)_Error"
                + "|Retrieved_Gtid_Set|Executed_Gtid_Set|SQL_Delay|Replica_SQL_Running_State")) {
          b.append(column).append('=').append(rs.getString(i)).append("; ");
        }
      }
      return b.toString();
    } catch (SQLException e) {
      return "SHOW REPLICA STATUS failed: " + e.getMessage();
    }
  }
}
