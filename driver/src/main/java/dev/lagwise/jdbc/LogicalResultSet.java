package dev.lagwise.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A vendor result set whose {@link #getStatement()} answers the Lagwise statement. Every getter is
 * a straight delegate, generated at build time ({@link DelegateFactory#resultSet}).
 */
abstract class LogicalResultSet implements ResultSet {

  final ResultSet delegate;
  private final Statement owner;

  /**
   * For an updatable result set: row changes are writes this connection must capture; else null.
   */
  private final LogicalConnection writer;

  LogicalResultSet(Statement owner, ResultSet delegate, LogicalConnection writer) {
    this.delegate = delegate;
    this.owner = owner;
    this.writer = writer;
  }

  @Override
  public void updateRow() throws SQLException {
    try {
      delegate.updateRow();
    } catch (SQLException e) {
      throw Errors.onReplica(e);
    }
    wrote();
  }

  @Override
  public void insertRow() throws SQLException {
    try {
      delegate.insertRow();
    } catch (SQLException e) {
      throw Errors.onReplica(e);
    }
    wrote();
  }

  @Override
  public void deleteRow() throws SQLException {
    try {
      delegate.deleteRow();
    } catch (SQLException e) {
      throw Errors.onReplica(e);
    }
    wrote();
  }

  /** A row change committed (autocommit) or joined the transaction: captured like any write. */
  private void wrote() throws SQLException {
    if (writer != null) {
      writer.exchange.apply(writer.router.wroteOutside(writer.router.writeNode()), null, null);
    }
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
