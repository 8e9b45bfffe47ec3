package dev.lagwise.jdbc;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;

/** A stored procedure call: runs on the primary (a procedure may write); straight delegates. */
final class PrimaryCallableStatement extends DelegatingCallableStatement {

  private final LogicalConnection connection;
  private final PrimaryTarget target;

  PrimaryCallableStatement(
      LogicalConnection connection, PhysicalConnection prepared, CallableStatement delegate) {
    super(delegate);
    this.connection = connection;
    this.target = new PrimaryTarget(connection, prepared, delegate, null, null);
  }

  @Override
  public ResultSet executeQuery() throws SQLException {
    target.run(PrimaryTarget.QUERY);
    return wrap(target.resultSet);
  }

  @Override
  public int executeUpdate() throws SQLException {
    return (int) target.run(PrimaryTarget.UPDATE);
  }

  @Override
  public long executeLargeUpdate() throws SQLException {
    return target.run(PrimaryTarget.LARGE_UPDATE);
  }

  @Override
  public boolean execute() throws SQLException {
    return target.run(PrimaryTarget.EXECUTE) != 0;
  }

  @Override
  public int[] executeBatch() throws SQLException {
    target.run(PrimaryTarget.BATCH);
    return target.batchCounts;
  }

  @Override
  public long[] executeLargeBatch() throws SQLException {
    target.run(PrimaryTarget.LARGE_BATCH);
    return target.largeBatchCounts;
  }

  @Override
  public ResultSet getResultSet() throws SQLException {
    return wrap(delegate.getResultSet());
  }

  private ResultSet wrap(ResultSet rs) {
    return rs == null ? null : new LogicalResultSet(this, rs, null);
  }

  @Override
  public Connection getConnection() throws SQLException {
    connection.checkOpen();
    return connection;
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    return iface.isInstance(this) ? iface.cast(this) : delegate.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return iface.isInstance(this) || delegate.isWrapperFor(iface);
  }

  /** The vendor's: PgJDBC shows the statement with its bound parameters. */
  @Override
  public String toString() {
    return delegate.toString();
  }
}
