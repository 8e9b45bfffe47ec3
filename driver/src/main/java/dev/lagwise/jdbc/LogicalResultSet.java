package dev.lagwise.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A vendor result set whose {@link #getStatement()} answers the Lagwise statement. Every getter is
 * a straight delegate.
 */
final class LogicalResultSet extends DelegatingResultSet {

  private final Statement owner;

  LogicalResultSet(Statement owner, ResultSet delegate) {
    super(delegate);
    this.owner = owner;
  }

  @Override
  public Statement getStatement() {
    return owner;
  }

  @Override
  public void close() throws SQLException {
    delegate.close();
    if (owner instanceof LogicalStatement) {
      ((LogicalStatement) owner).resultSetClosed();
    }
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    return iface.isInstance(this) ? iface.cast(this) : delegate.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return iface.isInstance(this) || delegate.isWrapperFor(iface);
  }
}
