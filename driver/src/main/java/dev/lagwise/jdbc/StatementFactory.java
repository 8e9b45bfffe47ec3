package dev.lagwise.jdbc;

import dev.lagwise.routing.Classification;
import dev.lagwise.routing.Hint;
import dev.lagwise.routing.Router;
import dev.lagwise.routing.StatementKind;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Which kind of Lagwise statement a {@code prepare*} call makes. A statement that can only be a
 * write (or whose result set can write, or that asks for generated keys, or a call) is bound to
 * where writes run now, so its parameter setters are straight delegates; anything else is routed at
 * each execution. Inside a read-only transaction on a replica, writes are not bound there but
 * routed, so they can run on the primary once that transaction is over (the replica refuses them
 * meanwhile, as one vendor connection in a read-only transaction would).
 */
final class StatementFactory {

  private final LogicalConnection connection;
  private final Router router;

  StatementFactory(LogicalConnection connection) {
    this.connection = connection;
    this.router = connection.router;
  }

  /**
   * A plain statement; its vendor statements are created at execution, on each host. Arguments here
   * are checked ({@link ResultSetArgs}); holdability -1: none given.
   */
  Statement create(int type, int concurrency, int holdability) throws SQLException {
    return connection.cluster.types.statements.make(connection, type, concurrency, holdability);
  }

  /** {@code holdability} -2: {@code prepareStatement(sql)}, replayed as that overload. */
  PreparedStatement prepare(String sql, int type, int concurrency, int holdability)
      throws SQLException {
    boolean plain = holdability == -2;
    Classification c = connection.classify(sql);
    if ((concurrency == ResultSet.CONCUR_UPDATABLE
            || c.kind() == StatementKind.WRITE && c.hint() != Hint.REPLICA)
        && router.writesGoToPrimary()) {
      PhysicalConnection pc = forWrite();
      Connection vendor = pc.connection;
      PreparedStatement ps =
          plain
              ? vendor.prepareStatement(sql)
              : holdability == -1
                  ? vendor.prepareStatement(sql, type, concurrency)
                  : vendor.prepareStatement(sql, type, concurrency, holdability);
      return connection.cluster.types.primary.make(connection, pc, sql, ps, concurrency);
    }
    return connection.cluster.types.routed.make(
        connection, sql, type, concurrency, holdability, -1, null, null);
  }

  /** A statement asking for generated keys (one of the three forms): a write. */
  PreparedStatement prepareKeyed(String sql, int keys, int[] indexes, String[] names)
      throws SQLException {
    if (!router.writesGoToPrimary()) {
      return connection.cluster.types.routed.make(
          connection,
          sql,
          ResultSet.TYPE_FORWARD_ONLY,
          ResultSet.CONCUR_READ_ONLY,
          -1,
          keys,
          indexes,
          names);
    }
    PhysicalConnection pc = forWrite();
    Connection vendor = pc.connection;
    PreparedStatement ps =
        keys != -1
            ? vendor.prepareStatement(sql, keys)
            : indexes != null
                ? vendor.prepareStatement(sql, indexes)
                : vendor.prepareStatement(sql, names);
    return connection.cluster.types.primary.make(
        connection, pc, sql, ps, ResultSet.CONCUR_READ_ONLY);
  }

  /** A procedure call runs where writes run (a procedure may write); straight delegates. */
  CallableStatement prepareCall(String sql, int type, int concurrency, int holdability)
      throws SQLException {
    PhysicalConnection pc = forWrite();
    CallableStatement cs =
        holdability == -1
            ? pc.connection.prepareCall(sql, type, concurrency)
            : pc.connection.prepareCall(sql, type, concurrency, holdability);
    return connection.cluster.types.calls.make(connection, pc, sql, cs);
  }

  private PhysicalConnection forWrite() throws SQLException {
    return connection.physical(router.writeNode());
  }
}
