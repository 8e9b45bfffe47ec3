package dev.lagwise.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * The isolation levels a server says are in force, for the router: after SQL that may have changed
 * them ({@code SET SESSION CHARACTERISTICS}, {@code SET default_transaction_isolation}, {@code SET
 * TRANSACTION}, MySQL's {@code SET SESSION TRANSACTION}), and the login's default when a PostgreSQL
 * connection opens (a server, database or role setting of {@code default_transaction_isolation},
 * which hot standbys refuse when it is serializable). The server parses the SQL, so every spelling
 * counts; the queries run only after such statements and once per opened connection, never for a
 * read.
 */
final class IsolationLevels {

  private IsolationLevels() {}

  /**
   * The levels in force on {@code c}: the session's (next transactions) in the high 16 bits, the
   * current transaction's in the low 16; -1 parts when unknown.
   */
  static int inForce(Dialect dialect, Connection c) throws SQLException {
    String sql;
    switch (dialect) {
      case POSTGRESQL:
        sql =
            "SELECT current_setting('default_transaction_isolation'),"
                + " current_setting('transaction_isolation')";
        break;
      case MARIADB:
        sql = "SELECT @@session.tx_isolation, @@session.tx_isolation";
        break;
      default:
        sql = "SELECT @@session.transaction_isolation, @@session.transaction_isolation";
    }
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return pack(parse(rs.getString(1)), parse(rs.getString(2)));
    }
  }

  static int session(int packed) {
    return (short) (packed >> 16);
  }

  static int current(int packed) {
    return (short) packed;
  }

  private static int pack(int session, int current) {
    return (session << 16) | (current & 0xffff);
  }

  /**
   * The default isolation of a PostgreSQL login as {@code c} sees it; -1 on other servers or when
   * it cannot say. {@code SHOW} takes no snapshot, so a hot standby answers even when it refuses
   * the level itself.
   */
  static int loginDefault(Dialect dialect, Connection c) {
    if (dialect != Dialect.POSTGRESQL) {
      return -1;
    }
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW default_transaction_isolation")) {
      return rs.next() ? parse(rs.getString(1)) : -1;
    } catch (SQLException e) {
      // Unknown (a proxy that refuses SHOW): a replica's 0A000 still reveals a refused level.
      return -1;
    }
  }

  /** {@code read committed}, {@code REPEATABLE-READ}, ... as a JDBC level; -1 if unknown. */
  static int parse(String name) {
    if (name == null) {
      return -1;
    }
    switch (name.trim().toLowerCase(Locale.ROOT).replace('-', ' ').replace('_', ' ')) {
      case "serializable":
        return Connection.TRANSACTION_SERIALIZABLE;
      case "repeatable read":
        return Connection.TRANSACTION_REPEATABLE_READ;
      case "read committed":
        return Connection.TRANSACTION_READ_COMMITTED;
      case "read uncommitted":
        return Connection.TRANSACTION_READ_UNCOMMITTED;
      default:
        return -1;
    }
  }
}
