package dev.lagwise.jdbc;

import java.sql.CallableStatement;

/**
 * A stored procedure call: runs on the primary (a procedure may write). Intercepts what a prepared
 * statement bound to the primary intercepts and nothing more; every {@code CallableStatement}
 * method is a straight delegate generated at build time ({@link DelegateFactory#callable}).
 */
abstract class PrimaryCallableStatement extends PrimaryPreparedStatement
    implements CallableStatement {

  PrimaryCallableStatement(
      LogicalConnection connection,
      PhysicalConnection prepared,
      String sql,
      CallableStatement delegate) {
    super(connection, prepared, sql, delegate);
  }
}
