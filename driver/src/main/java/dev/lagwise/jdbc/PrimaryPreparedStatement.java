package dev.lagwise.jdbc;

import dev.lagwise.routing.Classification;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A prepared statement that can only be a write, or whose result set can write: bound to the
 * primary's vendor statement when prepared, so its parameter setters are straight delegates with no
 * bookkeeping; executions run through the connection's {@link Exchange} ({@link PrimaryTarget}).
 * Only the methods below are written by hand; the rest are straight delegates generated at build
 * time ({@link DelegateFactory#primary}).
 */
abstract class PrimaryPreparedStatement implements PreparedStatement {

  final PreparedStatement delegate;
  private final LogicalConnection connection;
  private final PrimaryTarget target;
  private final boolean updatable;

  PrimaryPreparedStatement(
      LogicalConnection connection,
      PhysicalConnection prepared,
      String sql,
      PreparedStatement delegate,
      int concurrency) {
    this.delegate = delegate;
    this.connection = connection;
    this.updatable = concurrency == ResultSet.CONCUR_UPDATABLE;
    // A statement whose result set can write is routed as a write.
    Classification c = updatable ? null : connection.classify(sql);
    this.target = new PrimaryTarget(connection, prepared, delegate, c, sql);
  }

  /** A call: a write (a procedure may write), its SQL not classified. */
  PrimaryPreparedStatement(
      LogicalConnection connection,
      PhysicalConnection prepared,
      String sql,
      CallableStatement delegate) {
    this.delegate = delegate;
    this.connection = connection;
    this.updatable = false;
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

  @Override
  public ResultSet getGeneratedKeys() throws SQLException {
    return wrap(delegate.getGeneratedKeys());
  }

  private ResultSet wrap(ResultSet rs) {
    return rs == null ? null : DelegateFactory.resultSet(this, rs, updatable ? connection : null);
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

  /**
   * Vendor access for the generated vendor-interface methods ({@code PGStatement}, see {@link
   * VendorTypes}): the bound vendor statement itself. No pin: it is already on the primary, or on
   * the transaction's node, for its whole life.
   */
  Object vendorTarget(Class<?> iface) throws SQLException {
    return iface.isInstance(delegate) ? delegate : delegate.unwrap(iface);
  }

  /** {@link #vendorTarget} for a vendor method that declares no SQLException. */
  Object vendorTargetUnchecked(Class<?> iface) {
    try {
      return vendorTarget(iface);
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** The vendor's: PgJDBC shows the statement with its bound parameters. */
  @Override
  public String toString() {
    return delegate.toString();
  }
}
