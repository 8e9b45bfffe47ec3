package dev.lagwise.jdbc;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/** SQLState classes used by Lagwise, in one place so messages stay consistent. */
final class Errors {

  /** Invalid parameter value: a bad URL parameter or property. */
  static final String INVALID_PARAMETER = "22023";

  /** The client could not establish a connection (malformed URL, no host reachable). */
  static final String CONNECTION_FAILED = "08001";

  /** The connection is gone or was never there. */
  static final String CONNECTION_DOES_NOT_EXIST = "08003";

  /**
   * A commit's connection was lost before its outcome was known: it may or may not have happened.
   */
  static final String TRANSACTION_RESOLUTION_UNKNOWN = "08007";

  static final String FEATURE_NOT_SUPPORTED = "0A000";

  /** Read-only SQL transaction: what a replica answers to a write. */
  static final String READ_ONLY_TRANSACTION = "25006";

  private Errors() {}

  static SQLException invalid(String message) {
    return new SQLException(message, INVALID_PARAMETER);
  }

  /**
   * A closed connection is used: the vendor driver's message and SQLState (class 08 on each, so
   * that pools drop the connection).
   */
  static SQLException connectionClosed(Dialect d) {
    switch (d) {
      case MARIADB:
        return new SQLException("Connection is closed", "08000", 1220);
      case MYSQL:
        return new SQLException(
            "No operations allowed after connection closed.", CONNECTION_DOES_NOT_EXIST);
      default:
        return new SQLException("This connection has been closed.", CONNECTION_DOES_NOT_EXIST);
    }
  }

  /**
   * A closed statement is used: the vendor driver's message and SQLState, never class 08 (PgJDBC's
   * 55000, object not in prerequisite state): pools such as HikariCP evict a connection on 08.
   */
  static SQLException statementClosed(Dialect d) {
    switch (d) {
      case MARIADB:
        return new SQLException("Cannot do an operation on a closed statement", "42000");
      case MYSQL:
        return new SQLException("No operations allowed after statement closed.", "S1009");
      default:
        return new SQLException("This statement has been closed.", "55000");
    }
  }

  static SQLTransientConnectionException unavailable(String message, Throwable cause) {
    return new SQLTransientConnectionException(message, CONNECTION_FAILED, cause);
  }

  /**
   * A statement failed because its vendor connection to {@code host} broke (the host went down):
   * the vendor's SQLState, with the host and every host's state in the message, as when the
   * connection cannot be opened. A batch's failure stays the vendor's, with its update counts.
   */
  static SQLException connectionLost(String host, SQLException e, String password, String nodes) {
    if (e instanceof BatchUpdateException) {
      return e;
    }
    String state = e.getSQLState() != null ? e.getSQLState() : CONNECTION_FAILED;
    return new SQLTransientConnectionException(
        "Connection to "
            + host
            + " lost: "
            + Masking.scrub(e.getMessage(), password)
            + "; hosts: "
            + nodes,
        state,
        e.getErrorCode(),
        e);
  }

  /** MySQL/MariaDB ER_OPTION_PREVENTS_STATEMENT: what a read_only replica answers to a write. */
  private static final int MYSQL_OPTION_PREVENTS_STATEMENT = 1290;

  /**
   * A replica's refusal of a write, in the SQLState the primary would give inside a read-only
   * transaction (25006): MariaDB and MySQL replicas answer HY000 "running with the --read-only
   * option" instead, which neither the application nor the retry on the primary would recognise.
   */
  static SQLException onReplica(SQLException e) {
    if (e.getErrorCode() != MYSQL_OPTION_PREVENTS_STATEMENT
        || READ_ONLY_TRANSACTION.equals(e.getSQLState())) {
      return e;
    }
    SQLException r =
        e instanceof BatchUpdateException
            ? new BatchUpdateException(
                e.getMessage(),
                READ_ONLY_TRANSACTION,
                e.getErrorCode(),
                ((BatchUpdateException) e).getLargeUpdateCounts(),
                e)
            : new SQLException(e.getMessage(), READ_ONLY_TRANSACTION, e.getErrorCode(), e);
    r.setNextException(e.getNextException());
    return r;
  }

  /**
   * True when the vendor's socket read timed out (socketTimeout, setNetworkTimeout): PgJDBC,
   * Connector/J and MariaDB report it as a connection error caused by a {@link
   * java.net.SocketTimeoutException}, and close their connection. Looked for a few causes deep.
   */
  static boolean isSocketTimeout(SQLException e) {
    Throwable t = e;
    for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) {
      if (t instanceof java.net.SocketTimeoutException) {
        return true;
      }
    }
    return false;
  }

  /** True for SQLState class 08 (connection exception) and for I/O-looking failures without one. */
  static boolean isConnectionError(SQLException e) {
    String state = e.getSQLState();
    return (state != null && state.startsWith("08"))
        || e instanceof java.sql.SQLRecoverableException
        || e instanceof java.sql.SQLTransientConnectionException
        || e instanceof java.sql.SQLNonTransientConnectionException;
  }
}
