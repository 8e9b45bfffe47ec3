package dev.lagwise.jdbc;

import dev.lagwise.routing.Classification;
import java.sql.Connection;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A prepared statement that may run on a different host at each execution: classified once at
 * prepare time, routed at every execute, its parameters recorded (see {@link
 * RecordingPreparedStatement}) and applied to the vendor statement of the chosen host.
 */
final class RoutedPreparedStatement extends RecordingPreparedStatement {

  private final String sql;

  /** Classified once, when prepared; refreshed only when a replica's rejection reclassifies it. */
  private Classification classification;

  RoutedPreparedStatement(
      LogicalConnection connection, String sql, int type, int concurrency, int holdability) {
    super(connection, type, concurrency, holdability);
    this.sql = sql;
    this.classification = connection.classify(sql);
  }

  @Override
  Statement createOn(Connection c) throws SQLException {
    if (resultSetHoldability == -2) {
      return c.prepareStatement(sql);
    }
    return resultSetHoldability == -1
        ? c.prepareStatement(sql, resultSetType, resultSetConcurrency)
        : c.prepareStatement(sql, resultSetType, resultSetConcurrency, resultSetHoldability);
  }

  private long run(int op) throws SQLException {
    checkOpen();
    return connection.exchange.run(this, classification, op, sql);
  }

  @Override
  public Statement vendorOn(PhysicalConnection pc) throws SQLException {
    PreparedStatement ps = (PreparedStatement) super.vendorOn(pc);
    if (!runningBatch()) {
      if (hasStreamParameter()) {
        // A retry elsewhere must send the whole stream again, not what the first attempt left.
        bufferStreams();
        rewindStreams();
      }
      applyParameters(ps);
    }
    return ps;
  }

  @Override
  public long perform(Statement s, int op) throws SQLException {
    PreparedStatement ps = (PreparedStatement) s;
    switch (op) {
      case QUERY:
        ps.executeQuery();
        return 0;
      case UPDATE:
        return ps.executeUpdate();
      case LARGE_UPDATE:
        return ps.executeLargeUpdate();
      case EXECUTE:
        return ps.execute() ? 1 : 0;
      default:
        return super.perform(s, op);
    }
  }

  @Override
  public void reclassified(Classification c) {
    classification = c;
  }

  @Override
  public ResultSet executeQuery() throws SQLException {
    run(QUERY);
    return wrap(current.getResultSet());
  }

  @Override
  public int executeUpdate() throws SQLException {
    return (int) run(UPDATE);
  }

  @Override
  public long executeLargeUpdate() throws SQLException {
    return run(LARGE_UPDATE);
  }

  @Override
  public boolean execute() throws SQLException {
    return run(EXECUTE) != 0;
  }

  /** Batches are writes: the current parameters are added to the primary's statement. */
  @Override
  public void addBatch() throws SQLException {
    checkOpen();
    int node = connection.router.writeNode();
    PreparedStatement ps = (PreparedStatement) statementOn(node);
    applyParameters(ps);
    ps.addBatch();
    addBatchNode(node);
  }

  /** Metadata without executing: from the statement that ran last, or where it would run now. */
  @Override
  public ResultSetMetaData getMetaData() throws SQLException {
    return describeOn().getMetaData();
  }

  @Override
  public ParameterMetaData getParameterMetaData() throws SQLException {
    return describeOn().getParameterMetaData();
  }

  private PreparedStatement describeOn() throws SQLException {
    checkOpen();
    if (current != null) {
      return (PreparedStatement) current;
    }
    return (PreparedStatement)
        statementOn(connection.physical(connection.router.routeConnectionCall()));
  }

  @Override
  public String toString() {
    return "RoutedPreparedStatement[" + sql + "]";
  }
}
