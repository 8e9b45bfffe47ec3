package dev.lagwise.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The result-set type, concurrency and holdability of a {@code createStatement}, {@code
 * prepareStatement} or {@code prepareCall} call, checked at the call as the vendor driver checks
 * them: Lagwise creates vendor statements lazily, so without this a bad value would fail at the
 * first execution, or never. PgJDBC refuses unknown values with 22023; MariaDB Connector/J and
 * MySQL Connector/J accept any value, and so does Lagwise for them.
 */
final class ResultSetArgs {

  /** Holdability not given (the two-argument overloads) or the no-argument factory. */
  private static final int NOT_GIVEN = -1;

  private static final int PLAIN = -2;

  private ResultSetArgs() {}

  static void check(Dialect dialect, int type, int concurrency, int holdability)
      throws SQLException {
    if (dialect != Dialect.POSTGRESQL) {
      return;
    }
    if (type != ResultSet.TYPE_FORWARD_ONLY
        && type != ResultSet.TYPE_SCROLL_INSENSITIVE
        && type != ResultSet.TYPE_SCROLL_SENSITIVE) {
      throw new SQLException("Unknown value for ResultSet type", Errors.INVALID_PARAMETER);
    }
    if (concurrency != ResultSet.CONCUR_READ_ONLY && concurrency != ResultSet.CONCUR_UPDATABLE) {
      throw new SQLException("Unknown value for ResultSet concurrency", Errors.INVALID_PARAMETER);
    }
    if (holdability != NOT_GIVEN
        && holdability != PLAIN
        && holdability != ResultSet.HOLD_CURSORS_OVER_COMMIT
        && holdability != ResultSet.CLOSE_CURSORS_AT_COMMIT) {
      throw new SQLException("Unknown value for ResultSet holdability", Errors.INVALID_PARAMETER);
    }
  }
}
