package dev.lagwise.jdbc;

import dev.lagwise.ConsistencyToken;
import dev.lagwise.routing.Classification;
import dev.lagwise.routing.Effects;
import dev.lagwise.routing.Router;
import dev.lagwise.routing.SessionPositions;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The statement ↔ connection exchange every Lagwise statement shares: route, prepare the vendor
 * connection, run, report the outcome to the {@link Router} and carry out the effects it returns
 * (record session SQL, capture the primary's position, drop a broken connection, retry once). The
 * router decides; this class only performs.
 */
final class Exchange {

  /** One execution of a Lagwise statement on the vendor statement of the chosen node. */
  interface Target {

    /** The vendor statement on {@code pc}, created if needed. */
    Statement vendorOn(PhysicalConnection pc) throws SQLException;

    /** Marks {@code s} as the running statement (for cancel), before it runs. */
    void running(Statement s);

    /** Runs operation {@code op} on {@code s}. */
    long perform(Statement s, int op) throws SQLException;

    /** A replica's rejection reclassified the SQL. */
    default void reclassified(Classification c) {}

    /** The node the statement was prepared on and must run on, or -1 (routed freely). */
    default int boundNode() {
      return -1;
    }
  }

  private final LogicalConnection connection;
  private final Router router;
  private final Physicals physicals;
  private final SessionState state;
  private final Cluster cluster;

  Exchange(LogicalConnection connection, Router router, Physicals physicals, SessionState state) {
    this.connection = connection;
    this.router = router;
    this.physicals = physicals;
    this.state = state;
    this.cluster = connection.cluster;
  }

  /**
   * Runs {@code op} of {@code target} where the router says; {@code c} null: a statement that can
   * only write (a batch, a call). A failure the router deems retryable runs once more.
   */
  long run(Target target, Classification c, int op, String sql) throws SQLException {
    connection.checkOpen();
    int implicit = router.implicitCommitFirst(c);
    if (implicit >= 0) {
      // MySQL would commit the read-only transaction before this statement: so does Lagwise, on
      // the replica that holds it, before the statement goes to the primary.
      PhysicalConnection holder = physicals.existing(implicit);
      if (holder != null) {
        holder.connection.commit();
      }
      apply(router.ended(true), null, null);
    }
    for (int attempt = 0; ; attempt++) {
      int node = router.route(c, target.boundNode());
      PhysicalConnection pc;
      long result;
      boolean watch;
      try {
        PhysicalConnection known = physicals.existing(node);
        boolean opening = known == null;
        if (!opening && router.defaultCheckDue(node)) {
          checkDefaultIsolation(known);
          opening = true;
        }
        pc = physicals.prepare(node, router, state);
        if (opening && router.refusedIsolation(node)) {
          // The new connection revealed a default isolation this replica refuses: route again
          // (to the primary), as the first choice had the same chance.
          attempt--;
          continue;
        }
        Statement s = target.vendorOn(pc);
        watch = c != null && c.callsFunction() && connection.spec.dialect == Dialect.POSTGRESQL;
        if (watch) {
          pc.settings.before(pc, router, state);
        }
        target.running(s);
        result = target.perform(s, op);
      } catch (SQLException thrown) {
        SQLException e = node == cluster.snapshot().primary() ? thrown : Errors.onReplica(thrown);
        boolean timedOut = Errors.isSocketTimeout(e);
        int fx =
            router.failed(e.getSQLState(), timedOut || broken(e, node), timedOut, attempt == 0);
        failed(fx, node, e);
        if ((fx & Effects.MARK_PRIMARY_ONLY) != 0) {
          connection.classifier.markPrimaryOnly(sql);
          c = connection.classifier.classify(sql);
          target.reclassified(c);
        }
        if ((fx & Effects.RETRY) == 0) {
          throw (fx & Effects.DROP_CONNECTION) != 0 && Errors.isConnectionError(e)
              ? Errors.connectionLost(
                  cluster.hostNames.get(node),
                  e,
                  connection.spec.password(),
                  cluster.describeNodes())
              : e;
        }
        continue;
      }
      // Outside the try: the statement succeeded, whatever its bookkeeping throws.
      apply(router.executed(), pc, sql);
      if (watch && pc.settings.changedOrUnknown(pc)) {
        // The function changed session settings Lagwise cannot replay: they live on this node.
        router.pin(pc.node);
      }
      return result;
    }
  }

  /**
   * A connection error, or a failure after which the vendor closed its connection: PgJDBC reports a
   * backend terminated by the server as the server's FATAL error (57P01), not as 08006, and closes
   * the connection. Asked only after a failure ({@code isClosed()} is a flag on both drivers).
   */
  private boolean broken(SQLException e, int node) {
    if (Errors.isConnectionError(e)) {
      return true;
    }
    PhysicalConnection pc = physicals.existing(node);
    try {
      return pc != null && pc.connection.isClosed();
    } catch (SQLException ignored) {
      return true;
    }
  }

  private void failed(int fx, int node, SQLException e) {
    if ((fx & Effects.DROP_CONNECTION) != 0) {
      if (physicals.existing(node) != null) {
        // Evidence for the monitor, which probes the host; a failed connect spoke in open(). A
        // terminated backend (57P01) is evidence too: a server shutting down sends it to all.
        cluster.monitor.suspect(node, e.getSQLState());
      }
      physicals.drop(node);
    }
    if ((fx & Effects.SESSION_LOST) != 0) {
      try {
        // A write that timed out in autocommit may have committed: the other sessions' reads
        // must not miss it (with the connection gone, the capture records the moment).
        apply(fx & Effects.CAPTURE, null, null);
      } catch (SQLException ignored) {
        // The statement's own failure is what the application must see.
      }
      connection.lost();
      return;
    }
    try {
      PhysicalConnection pc = physicals.existing(node);
      apply(fx, pc, null);
      if ((fx & Effects.CHECK_DEFAULT_ISOLATION) != 0 && pc != null) {
        router.defaultIsolationSeen(
            IsolationLevels.loginDefault(connection.spec.dialect, pc.connection));
      }
    } catch (SQLException ignored) {
      // The statement's own failure is what the application must see.
    }
  }

  /** Carries out the router's effects; {@code pc} is the connection that ran {@code sql}. */
  void apply(int fx, PhysicalConnection pc, String sql) throws SQLException {
    if (fx == 0) {
      return;
    }
    if ((fx & Effects.RECORD_SESSION_SQL) != 0) {
      if (state.record(SessionState.SQL, sql, router.sessionSqlIsProvisional())) {
        pc.ranSessionSql(state);
      } else {
        router.pin(pc.node);
      }
    }
    if ((fx & Effects.SESSION_RESET) != 0) {
      state.reset();
      pc.ranReset(state);
    }
    if ((fx & Effects.COMMITTED) != 0) {
      state.committed();
    }
    if ((fx & Effects.ROLLED_BACK) != 0) {
      state.rolledBack();
    }
    if ((fx & Effects.CAPTURE) != 0) {
      capture();
    }
    if ((fx & Effects.SYNC_AUTOCOMMIT) != 0) {
      boolean on = connection.spec.dialect.autoCommitAfterSql(pc.connection);
      pc.autoCommitSetBySql(on);
      apply(router.autoCommitSetBySql(on), pc, sql);
    }
    if ((fx & Effects.SYNC_ISOLATION) != 0) {
      int levels = IsolationLevels.inForce(connection.spec.dialect, pc.connection);
      router.isolationSeen(IsolationLevels.session(levels), IsolationLevels.current(levels));
      pc.isolationInForce(router.isolation(), router.isolationEpoch());
    }
    if ((fx & Effects.SYNC_TRANSACTION) != 0) {
      Boolean open = connection.spec.dialect.transactionOpen(pc.connection);
      apply(
          open == null
              ? router.transactionStateUnknown(pc.node)
              : router.transactionStateSeen(pc.node, open),
          pc,
          sql);
    }
  }

  /**
   * Asks {@code pc} for the login's default isolation, in autocommit unless a transaction is open
   * there, so that the question begins no vendor transaction.
   */
  private void checkDefaultIsolation(PhysicalConnection pc) throws SQLException {
    boolean toggle = !pc.autoCommit() && !router.transactionOpenOn(pc.node);
    if (toggle) {
      pc.setAutoCommit(true);
    }
    try {
      router.defaultIsolationSeen(
          IsolationLevels.loginDefault(connection.spec.dialect, pc.connection));
    } finally {
      if (toggle) {
        pc.setAutoCommit(false);
      }
    }
  }

  /**
   * Reads the primary's position after a commit (one round trip) and raises every scope with it.
   * Run with autocommit switched on for its duration unless a transaction is open there, so it
   * never leaves a vendor transaction open. A failure is not the application's: the positions
   * record the moment instead.
   */
  private void capture() {
    SessionPositions positions = router.positions();
    PhysicalConnection pc = physicals.existing(router.captureNode());
    long position = -1;
    if (pc != null) {
      try {
        // Never around an open transaction: MySQL's SET autocommit=1 would commit it.
        boolean toggle = !router.captureInTransaction() && !pc.autoCommit();
        if (toggle) {
          pc.setAutoCommit(true);
        }
        try {
          position = cluster.positions.capture(pc.connection, pc.node);
        } finally {
          if (toggle) {
            pc.setAutoCommit(false);
          }
        }
      } catch (SQLException e) {
        position = -1;
      }
    }
    if (position >= 0) {
      positions.committed(position, cluster.positions.captureIsPrimarySample());
    } else {
      positions.captureFailed();
    }
  }

  /**
   * What this connection's reads must see, as a portable token; null when nothing. When a position
   * is still pending (observed capture, a read on the primary) the primary's current position is
   * read: a token handed to someone else must never be too low.
   */
  ConsistencyToken consistencyToken() throws SQLException {
    long need = router.positions().need(cluster.snapshot());
    if (need == Long.MAX_VALUE) {
      need = primaryPositionNow();
    }
    return cluster.positions.token(need);
  }

  /** The primary's current position, read without leaving a transaction open on it. */
  private long primaryPositionNow() throws SQLException {
    int node = router.inTransaction() ? router.transactionNode() : router.writeNode();
    PhysicalConnection pc = physicals.prepare(node, router, state);
    boolean toggle = !pc.autoCommit() && !router.transactionOpenOn(node);
    if (toggle) {
      pc.setAutoCommit(true);
    }
    try {
      return cluster.positions.capture(pc.connection, node);
    } finally {
      if (toggle) {
        pc.setAutoCommit(false);
      }
    }
  }
}
