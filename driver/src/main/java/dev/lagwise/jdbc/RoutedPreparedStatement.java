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
    return resultSetHoldability == -1
        ? c.prepareStatement(sql, resultSetType, resultSetConcurrency)
        : c.prepareStatement(sql, resultSetType, resultSetConcurrency, resultSetHoldability);
  }

  private enum Mode {
    QUERY,
    UPDATE,
    LARGE_UPDATE,
    EXECUTE
  }

  private long run(Mode mode) throws SQLException {
    checkOpen();
    for (int attempt = 0; ; attempt++) {
      Classification c = classification;
      int node = connection.route(c);
      connection.beginStatement(node);
      try {
        PreparedStatement ps = (PreparedStatement) statementOn(node);
        applyParameters(ps);
        long result;
        switch (mode) {
          case QUERY:
            ps.executeQuery();
            result = 0;
            break;
          case UPDATE:
            result = ps.executeUpdate();
            break;
          case LARGE_UPDATE:
            result = ps.executeLargeUpdate();
            break;
          default:
            result = ps.execute() ? 1 : 0;
        }
        current = ps;
        connection.executed(node, c.kind(), sql);
        return result;
      } catch (SQLException e) {
        if (attempt == 0 && connection.retryable(node, sql, e)) {
          // A read-only rejection reclassified the SQL as a write.
          classification = connection.classify(sql);
          continue;
        }
        throw e;
      } finally {
        connection.endStatement(node);
      }
    }
  }

  @Override
  public ResultSet executeQuery() throws SQLException {
    run(Mode.QUERY);
    return wrap(current.getResultSet());
  }

  @Override
  public int executeUpdate() throws SQLException {
    return (int) run(Mode.UPDATE);
  }

  @Override
  public long executeLargeUpdate() throws SQLException {
    return run(Mode.LARGE_UPDATE);
  }

  @Override
  public boolean execute() throws SQLException {
    return run(Mode.EXECUTE) != 0;
  }

  /** Batches are writes: the current parameters are added to the primary's statement. */
  @Override
  public void addBatch() throws SQLException {
    checkOpen();
    int node = connection.routeWrite();
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
    return (PreparedStatement) statementOn(connection.route(classification));
  }

  @Override
  public String toString() {
    return "RoutedPreparedStatement[" + sql + "]";
  }
}
