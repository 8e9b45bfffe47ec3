package dev.lagwise.jdbc;

import dev.lagwise.routing.Classification;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The execution side of a statement bound to one vendor statement when prepared (writes, calls,
 * updatable result sets): runs through the connection's {@link Exchange} like every statement, but
 * only on the node it was prepared on.
 */
final class PrimaryTarget implements Exchange.Target {

  // Operations: the same numbers as every Lagwise statement's.
  static final int QUERY = LogicalStatement.QUERY;
  static final int UPDATE = LogicalStatement.UPDATE;
  static final int LARGE_UPDATE = LogicalStatement.LARGE_UPDATE;
  static final int BATCH = LogicalStatement.BATCH;
  static final int LARGE_BATCH = LogicalStatement.LARGE_BATCH;
  static final int EXECUTE = LogicalStatement.EXECUTE;

  private final LogicalConnection connection;
  private final PhysicalConnection prepared;
  private final PreparedStatement delegate;

  /** Null for a call: it can only write. */
  private final Classification classification;

  private final String sql;

  ResultSet resultSet;
  int[] batchCounts;
  long[] largeBatchCounts;

  PrimaryTarget(
      LogicalConnection connection,
      PhysicalConnection prepared,
      PreparedStatement delegate,
      Classification classification,
      String sql) {
    this.connection = connection;
    this.prepared = prepared;
    this.delegate = delegate;
    this.classification = classification;
    this.sql = sql;
  }

  long run(int op) throws SQLException {
    if (delegate.isClosed()) {
      // Before routing: a closed statement must not begin a transaction.
      connection.checkOpen();
      throw Errors.statementClosed(connection.spec.dialect);
    }
    return connection.exchange.run(this, op >= BATCH ? null : classification, op, sql);
  }

  /**
   * Only the connection this statement was prepared on: a transaction elsewhere (read-only, on a
   * replica) or a reconnect cannot run it.
   */
  @Override
  public Statement vendorOn(PhysicalConnection pc) throws SQLException {
    if (pc != prepared) {
      throw new SQLException(
          "This statement was prepared on "
              + connection.cluster.hostNames.get(prepared.node)
              + " and cannot run on "
              + connection.cluster.hostNames.get(pc.node)
              + " (a read-only transaction there, or a reconnect): prepare it again",
          Errors.READ_ONLY_TRANSACTION);
    }
    return delegate;
  }

  @Override
  public int boundNode() {
    return prepared.node;
  }

  @Override
  public void running(Statement s) {}

  @Override
  public long perform(Statement s, int op) throws SQLException {
    switch (op) {
      case QUERY:
        resultSet = delegate.executeQuery();
        return 0;
      case UPDATE:
        return delegate.executeUpdate();
      case LARGE_UPDATE:
        return delegate.executeLargeUpdate();
      case BATCH:
        batchCounts = delegate.executeBatch();
        return 0;
      case LARGE_BATCH:
        largeBatchCounts = delegate.executeLargeBatch();
        return 0;
      default:
        return delegate.execute() ? 1 : 0;
    }
  }
}
