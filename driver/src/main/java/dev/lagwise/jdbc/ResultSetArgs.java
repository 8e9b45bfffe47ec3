package dev.lagwise.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The result-set type, concurrency and holdability of a {@code createStatement}, {@code
 * prepareStatement} or {@code prepareCall} call, checked at the call as the vendor driver checks
 * them: Lagwise creates vendor statements lazily, so without this a bad value would fail at the
 * first execution, or never. Values JDBC defines pass without a look at the vendor (no allocation);
 * any other is judged by PgJDBC itself: the same call on one of the session's open vendor
 * connections (one is open since {@code getConnection}), whose exception (PgJDBC's {@code
 * PSQLException}, 22023) is thrown as is, and whose statement is closed if it accepts. MariaDB
 * Connector/J and MySQL Connector/J accept any value, and so does Lagwise for them without asking
 * (a MySQL server-side prepare would cost a round trip).
 *
 * <p>Checked at the public overloads, before Lagwise encodes "no holdability given" as -1: an
 * explicit -1 is an invalid holdability that PgJDBC refuses.
 */
final class ResultSetArgs {

  static final int STATEMENT = 0;
  static final int PREPARE = 1;
  static final int CALL = 2;

  private ResultSetArgs() {}

  /** An overload without holdability. */
  static void check(LogicalConnection c, int form, String sql, int type, int concurrency)
      throws SQLException {
    if (!knownType(type) || !knownConcurrency(concurrency)) {
      judge(c, form, sql, type, concurrency, false, 0);
    }
  }

  /** An overload with holdability. */
  static void check(
      LogicalConnection c, int form, String sql, int type, int concurrency, int holdability)
      throws SQLException {
    if (!knownType(type)
        || !knownConcurrency(concurrency)
        || holdability != ResultSet.HOLD_CURSORS_OVER_COMMIT
            && holdability != ResultSet.CLOSE_CURSORS_AT_COMMIT) {
      judge(c, form, sql, type, concurrency, true, holdability);
    }
  }

  private static boolean knownType(int type) {
    return type == ResultSet.TYPE_FORWARD_ONLY
        || type == ResultSet.TYPE_SCROLL_INSENSITIVE
        || type == ResultSet.TYPE_SCROLL_SENSITIVE;
  }

  private static boolean knownConcurrency(int concurrency) {
    return concurrency == ResultSet.CONCUR_READ_ONLY || concurrency == ResultSet.CONCUR_UPDATABLE;
  }

  private static void judge(
      LogicalConnection c,
      int form,
      String sql,
      int type,
      int concurrency,
      boolean held,
      int holdability)
      throws SQLException {
    if (c.spec.dialect != Dialect.POSTGRESQL) {
      return;
    }
    PhysicalConnection pc = c.physicals.anyOpen();
    Connection v = pc != null ? pc.connection : c.physical(c.router.writeNode()).connection;
    Statement made;
    try {
      switch (form) {
        case STATEMENT:
          made =
              held
                  ? v.createStatement(type, concurrency, holdability)
                  : v.createStatement(type, concurrency);
          break;
        case PREPARE:
          made =
              held
                  ? v.prepareStatement(sql, type, concurrency, holdability)
                  : v.prepareStatement(sql, type, concurrency);
          break;
        default:
          made =
              held
                  ? v.prepareCall(sql, type, concurrency, holdability)
                  : v.prepareCall(sql, type, concurrency);
      }
    } catch (SQLException e) {
      throw Masking.scrubbed(e, c.spec.password());
    }
    made.close();
  }
}
