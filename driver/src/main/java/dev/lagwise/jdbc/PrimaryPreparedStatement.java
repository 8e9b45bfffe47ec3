package dev.lagwise.jdbc;

import dev.lagwise.routing.StatementKind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A prepared statement that can only be a write: bound to the primary's vendor statement when
 * prepared, so its parameter setters are straight delegates with no bookkeeping.
 */
final class PrimaryPreparedStatement extends DelegatingPreparedStatement {

  private final LogicalConnection connection;
  private final int node;
  private final StatementKind kind;
  private final String sql;

  PrimaryPreparedStatement(
      LogicalConnection connection, int node, String sql, PreparedStatement delegate) {
    super(delegate);
    this.connection = connection;
    this.node = node;
    this.sql = sql;
    this.kind = connection.classify(sql).kind();
  }

  private void before() throws SQLException {
    connection.beforePrimaryStatement(node);
  }

  private void after() {
    connection.executed(node, kind, sql);
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
  public long[] executeLargeBatch() throws SQLException {
    before();
    long[] r = delegate.executeLargeBatch();
    after();
    return r;
  }

  @Override
  public ResultSet getResultSet() throws SQLException {
    return wrap(delegate.getResultSet());
  }

  @Override
  public ResultSet getGeneratedKeys() throws SQLException {
    return wrap(delegate.getGeneratedKeys());
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

  @Override
  public String toString() {
    return "PrimaryPreparedStatement[" + sql + "]";
  }
}
