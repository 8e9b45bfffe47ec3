package dev.lagwise.jdbc;

import dev.lagwise.routing.Router;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The JDBC calls that end a transaction or use one ({@code commit}, {@code rollback}, {@code
 * setAutoCommit(true)}, savepoints) carried out on the vendor connection of the node {@link Router}
 * names, with the router told what happened. A commit or rollback that fails still ends the
 * transaction: the server rolled it back, or the connection is gone.
 */
final class TransactionControl {

  private final LogicalConnection connection;
  private final Router router;
  private final Physicals physicals;
  private final Exchange exchange;

  TransactionControl(LogicalConnection connection) {
    this.connection = connection;
    this.router = connection.router;
    this.physicals = connection.physicals;
    this.exchange = connection.exchange;
  }

  void setAutoCommit(boolean autoCommit) throws SQLException {
    int node = router.autoCommitNode(autoCommit);
    if (node < 0) {
      exchange.apply(router.setAutoCommit(autoCommit), null, null);
      return;
    }
    PhysicalConnection pc = transactionConnection(node);
    try {
      pc.setAutoCommit(true);
    } catch (SQLException e) {
      endedBadly(node, e);
      throw e;
    }
    exchange.apply(router.setAutoCommit(true), null, null);
    // MariaDB keeps a transaction begun by START TRANSACTION open across autocommit changes.
    Boolean open = connection.spec.dialect.transactionOpen(pc.connection);
    if (open != null && open) {
      exchange.apply(router.transactionStateSeen(node, true), pc, null);
    }
  }

  /** {@code commit()} or {@code rollback()}. */
  void end(boolean commit) throws SQLException {
    int node = router.endNode(commit);
    if (node >= 0) {
      try {
        Connection c = transactionConnection(node).connection;
        if (commit) {
          c.commit();
        } else {
          c.rollback();
        }
      } catch (SQLException e) {
        if (endedBadly(node, e) && commit) {
          throw outcomeUnknown(node, e);
        }
        throw e;
      }
    }
    exchange.apply(router.ended(commit), null, null);
  }

  /**
   * A commit whose connection broke (a timeout, a reset, the host gone) may have committed on the
   * server before the answer was lost: the application must not take it for a rollback and blindly
   * run the transaction again. SQLState 08007, the vendor's error as the cause.
   */
  private SQLException outcomeUnknown(int node, SQLException e) {
    return new SQLException(
        "The connection to "
            + connection.cluster.hostNames.get(node)
            + " was lost during COMMIT; whether the transaction committed is unknown: check"
            + " before running it again ("
            + e.getSQLState()
            + ": "
            + Masking.scrub(e.getMessage(), connection.spec.password())
            + ")",
        Errors.TRANSACTION_RESOLUTION_UNKNOWN,
        e);
  }

  /** The open transaction's vendor connection; if it was lost, the transaction is over. */
  private PhysicalConnection transactionConnection(int node) throws SQLException {
    if (physicals.existing(node) == null) {
      exchange.apply(router.ended(false), null, null);
      throw new SQLException(
          "The connection to "
              + connection.cluster.hostNames.get(node)
              + " that held the open transaction was lost; the transaction was rolled back",
          Errors.CONNECTION_DOES_NOT_EXIST);
    }
    // Synced first: a transaction begun by SQL in autocommit leaves the vendor's flag on, and
    // PgJDBC refuses commit() and rollback() then.
    return connection.physical(node);
  }

  /**
   * Ending the transaction failed: it is over all the same (the server rolled it back, or, when the
   * connection broke, perhaps committed it). When its connection is gone, so is this one, as
   * PgJDBC's after a fatal error. True when the connection was lost.
   */
  private boolean endedBadly(int node, SQLException e) throws SQLException {
    boolean lost = Errors.isConnectionError(e) || physicals.anyClosed(node, -1);
    exchange.apply(router.ended(false), null, null);
    if (lost) {
      connection.lost();
    }
    return lost;
  }

  /** The connection a new savepoint goes to, beginning the transaction where a statement would. */
  Connection savepointConnection() throws SQLException {
    PhysicalConnection pc = connection.physical(router.savepointNode());
    router.sent();
    return pc.connection;
  }

  /** Where a savepoint is used: the open transaction, else where a new one would begin. */
  Connection openTransaction() throws SQLException {
    if (!router.inTransaction()) {
      // The server answers, as it would on one vendor connection (no such savepoint).
      return savepointConnection();
    }
    return transactionConnection(router.transactionNode()).connection;
  }
}
