package dev.lagwise.jdbc;

import dev.lagwise.routing.StatementKind;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;

/** A stored procedure call: runs on the primary (a procedure may write); straight delegates. */
final class PrimaryCallableStatement extends DelegatingCallableStatement {

  private final LogicalConnection connection;
  private final int node;

  PrimaryCallableStatement(LogicalConnection connection, int node, CallableStatement delegate) {
    super(delegate);
    this.connection = connection;
    this.node = node;
  }

  private void before() throws SQLException {
    connection.beforePrimaryStatement(node);
  }

  private void after() {
    connection.executed(node, StatementKind.WRITE, null);
  }

  @Override
  public ResultSet executeQuery() throws SQLException {
    before();
    ResultSet rs = delegate.executeQuery();
    after();
    return wrap(rs);
  }

  @Override
  public int executeUpdate() throws SQLException {
    before();
    int r = delegate.executeUpdate();
    after();
    return r;
  }

  @Override
  public long executeLargeUpdate() throws SQLException {
    before();
    long r = delegate.executeLargeUpdate();
    after();
    return r;
  }

  @Override
  public boolean execute() throws SQLException {
    before();
    boolean r = delegate.execute();
    after();
    return r;
  }

  @Override
  public int[] executeBatch() throws SQLException {
    before();
    int[] r = delegate.executeBatch();
    after();
    return r;
  }

  @Override
  public ResultSet getResultSet() throws SQLException {
    return wrap(delegate.getResultSet());
  }

  private ResultSet wrap(ResultSet rs) {
    return rs == null ? null : new LogicalResultSet(this, rs);
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
}
