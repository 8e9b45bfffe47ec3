package dev.lagwise.jdbc;

import java.sql.Connection;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * PgJDBC's own record of the server's transaction state. In a class of its own so that only
 * PostgreSQL connections load PgJDBC's types (the vendor drivers are optional dependencies).
 */
final class PgTransactionState {

  private PgTransactionState() {}

  /** True when the server said a transaction is open (or failed) on {@code c}; null if unknown. */
  static Boolean open(Connection c) {
    if (c instanceof BaseConnection) {
      return ((BaseConnection) c).getTransactionState() != TransactionState.IDLE;
    }
    return null;
  }
}
