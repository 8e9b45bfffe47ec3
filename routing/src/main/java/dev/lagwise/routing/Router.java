package dev.lagwise.routing;

import java.sql.SQLException;
import java.util.function.LongSupplier;

/**
 * Where each statement of one logical connection runs, and the transaction and session state that
 * decides it. Pure logic: cluster state through {@link Topology}, time from an injected ticker, I/O
 * left to the caller, which reports back what happened.
 *
 * <p>The decision for a statement, in order: (1) an open transaction keeps its node; (2) a session
 * pinned by state that cannot be replayed runs where that state lives (writes on the primary); (3)
 * a hint comment; (4) a statement that starts a transaction with autocommit off starts it on a
 * replica only if the connection is read-only, else on the primary; (5) with autocommit on, a READ
 * or {@code START TRANSACTION READ ONLY} goes to a replica that is usable within {@code maxLag} and
 * has what the session must see ({@link SessionPositions}), anything else to the primary; (6) no
 * replica qualifies: the primary. Serializable reads go to the primary where replicas refuse them,
 * whether JDBC, SQL (as the server reports after it) or a login default made the session
 * serializable ({@link IsolationState}).
 *
 * <p>Transactions. States: AUTO (autocommit, no transaction), SQL_TX(n) (autocommit, a transaction
 * begun by SQL on node n), IDLE (autocommit off, nothing run since the last end), TX(n) (autocommit
 * off, the vendor transaction open on n). A transaction's node is recorded when its first statement
 * is <em>dispatched</em>, not when it succeeds: a failed first statement leaves a vendor
 * transaction that only a rollback on that node ends.
 *
 * <pre>
 * state     | event                                   | action                               | next
 * ----------+-----------------------------------------+--------------------------------------+---------
 * AUTO      | READ, replica-safe                      | replica or primary                   | AUTO
 * AUTO      | WRITE                                   | primary; capture after               | AUTO
 * AUTO      | BEGIN / START TRANSACTION [READ ONLY]   | primary [replica or primary]         | SQL_TX(n)
 * AUTO      | failed WRITE                            | capture (a batch may have committed) | AUTO
 * AUTO      | commit() / rollback()                   | 25P01 where the vendor says so       | AUTO
 * SQL_TX(n) | any statement                           | n; a write marks the transaction     | SQL_TX(n)
 * SQL_TX(n) | COMMIT / END / ROLLBACK                 | n; capture if it wrote and committed | AUTO
 * SQL_TX(n) | COMMIT AND CHAIN, MySQL BEGIN, DDL      | n; capture if it wrote               | SQL_TX(n)
 * SQL_TX(n) | setAutoCommit(false)                    | -                                    | TX(n)
 * IDLE      | any statement, savepoint, metadata      | read-only: replica or primary; else  | TX(n)
 *           |                                         | primary                              |
 * IDLE      | commit() / rollback()                   | nothing to end                       | IDLE
 * IDLE      | setAutoCommit(true)                     | -                                    | AUTO
 * TX(n)     | any statement                           | n; a write marks the transaction     | TX(n)
 * TX(n)     | commit(), COMMIT, END                   | on n; capture if it wrote            | IDLE
 * TX(n)     | rollback(), ROLLBACK                    | on n; session SQL of the tx dropped  | IDLE
 * TX(n)     | setAutoCommit(true)                     | commits on n; capture if it wrote    | AUTO
 * TX(n)     | COMMIT AND CHAIN, MySQL DDL/LOCK TABLES | n; capture if it wrote; the vendor   | TX(n) or
 *           |                                         | says whether one is still open       | IDLE
 * TX(n)     | statement fails (first one included)    | the transaction stays on n           | TX(n)
 * TX(n)     | n's connection lost (not by its first)  | SESSION_LOST: the connection closes  | closed
 * any       | pinned node's connection lost           | SESSION_LOST: the connection closes  | closed
 * AUTO      | READ failed, connection lost            | retried once on a new connection     | AUTO
 * SQL_TX/TX | setReadOnly / setTransactionIsolation   | 25001, nothing changes               | same
 * any tx    | commit or rollback fails                | the transaction is over              | AUTO/IDLE
 * </pre>
 *
 * "Capture" is the read of the primary's position after a commit ({@link Effects#CAPTURE}); a
 * transaction on the primary that ends without one still raises the session's positions ({@link
 * SessionPositions#primaryTransactionEnded}), since its locking reads saw the primary. Session SQL
 * run inside a transaction is provisional where the server undoes it on rollback (PostgreSQL):
 * {@link Effects#ROLLED_BACK} tells the caller to drop it, {@link Effects#COMMITTED} to keep it.
 *
 * <p>The caller's protocol per statement: {@link #route} (or {@link #routeWrite}), then exactly one
 * of {@link #executed()} or {@link #failed}; each returns effects (bits) to carry out. Nothing here
 * allocates or locks for a statement whose classification is cached.
 *
 * <p>This class decides and owns the statement in flight and the session's pin; the rest of the
 * state has one owner each, which this class alone moves: {@link TransactionState} (autocommit,
 * read-only, the open transaction: the rows above that JDBC calls drive), {@link IsolationState},
 * {@link PendingCapture}; {@link Placement} applies rules 2 to 6, {@link Retry} says whether a
 * failed statement runs again.
 */
public final class Router {

  /** Counts each statement that succeeded, by node and reason. */
  public interface Counter {
    void count(int node, RouteReason reason);
  }

  /** Words for errors: every host with its state, and a position as the user would write it. */
  public interface Describer {
    /** Each host with its status, position, lag and last error. */
    String hosts();

    /** {@code position} as a portable token's text. */
    String position(long position);
  }

  /**
   * Dialect facts the decisions depend on.
   *
   * @param replicasServeSerializable a replica accepts serializable transactions
   * @param sessionSqlIsTransactional a rollback undoes SET (PostgreSQL)
   * @param strictAutocommitCommit the vendor refuses commit/rollback/savepoints in autocommit and
   *     read-only or isolation changes inside a transaction (PgJDBC)
   * @param readOnlyIsEnforced {@code setReadOnly(true)} makes the server refuse writes (PgJDBC);
   *     where it is only a hint (MariaDB Connector/J), a transaction that starts with a write goes
   *     to the primary
   */
  public record Dialect(
      boolean replicasServeSerializable,
      boolean sessionSqlIsTransactional,
      boolean strictAutocommitCommit,
      boolean readOnlyIsEnforced) {}

  private final Topology topology;
  private final SessionPositions positions;
  private final ReplicaSelector selector;
  private final Placement placement;
  private final Counter counter;
  private final Dialect dialect;

  private final IsolationState isolation = new IsolationState();
  private final PendingCapture capture;

  /** Autocommit, read-only and the open transaction. */
  private final TransactionState tx;

  /** Node where state that cannot be replayed lives, or -1. */
  private int pinnedNode = -1;

  /** Unwrapped to a vendor object: its writes are invisible here, so every end captures. */
  private boolean vendorWrites;

  // The statement in flight: set by route, read by executed / failed.
  private int curNode = -1;
  private Classification cur;
  private boolean curStartedTx;
  private boolean curRetryOnPrimary;

  private int lastNode = -1;

  public Router(
      Topology topology,
      SharedPositions shared,
      SessionPositions positions,
      LongSupplier ticker,
      Dialect dialect,
      Counter counter,
      Describer hosts,
      boolean leastInFlight,
      long maxLagNanos,
      long waitForReplicaNanos,
      boolean primaryLossReads) {
    this.topology = topology;
    this.positions = positions;
    this.dialect = dialect;
    this.counter = counter;
    this.capture = new PendingCapture(positions);
    this.tx = new TransactionState(topology, dialect, positions, isolation, capture);
    this.selector =
        new ReplicaSelector(
            topology,
            shared,
            positions,
            ticker,
            leastInFlight,
            maxLagNanos,
            waitForReplicaNanos,
            primaryLossReads);
    this.placement = new Placement(topology, selector, dialect, hosts);
  }

  // ---------------------------------------------------------------- statements

  /** The node that must run a statement of classification {@code c} now. */
  public int route(Classification c) throws SQLException {
    return route(c, -1);
  }

  /**
   * As {@link #route(Classification)} ({@code c} null: a statement that can only write) for a
   * statement bound to {@code bound} when it was prepared (-1: none): outside a transaction it runs
   * there, and a transaction it starts starts there (in a read-only transaction the server then
   * refuses a write, as it would on one vendor connection).
   */
  public int route(Classification c, int bound) throws SQLException {
    if (c == null) {
      c = WRITE;
    }
    cur = c;
    placement.clear();
    int node;
    try {
      node =
          bound >= 0 && tx.node < 0
              ? boundNode(bound, c.kind() == StatementKind.WRITE)
              : decide(c.kind(), c.hint());
    } finally {
      // A replica avoided after a broken connection is avoided by one decision only, the retry's.
      selector.routed();
    }
    dispatch(node, c.kind());
    return node;
  }

  private int boundNode(int bound, boolean write) {
    placement.because(
        !tx.autoCommit ? RouteReason.TRANSACTION : write ? RouteReason.WRITE : RouteReason.PINNED);
    return bound;
  }

  /**
   * MySQL and MariaDB commit the open transaction before DDL and the like: when that transaction is
   * on a replica (read-only), the statement cannot run there (nor should LOCK TABLES lock the
   * replica's tables); the caller commits it on the returned node first ({@link #ended}), then
   * routes the statement. -1: nothing to do.
   */
  public int implicitCommitFirst(Classification c) {
    return c != null
            && tx.node >= 0
            && c.mayCommitImplicitly()
            && (c.kind() == StatementKind.WRITE || c.kind() == StatementKind.SESSION_PINNING)
            && tx.node != topology.view().primary()
        ? tx.node
        : -1;
  }

  /** As {@link #route} for a statement that can only write (batch, call, generated keys). */
  public int routeWrite() throws SQLException {
    return route(WRITE, -1);
  }

  /**
   * Where a connection-level call that may query (metadata, {@code getSchema}, type lookups) runs:
   * as a read. With autocommit off it begins the transaction, as it does on the vendor driver, so
   * that commit or rollback ends what it opened.
   */
  public int routeConnectionCall() throws SQLException {
    int node = route(CONNECTION_CALL);
    selector.finished(node);
    cur = null;
    return node;
  }

  /**
   * Where an unwrapped vendor connection comes from: the open transaction's node, else the primary.
   * From then on the session is pinned there and every statement and end counts as a write, since
   * what the application does with the vendor object is invisible here.
   */
  public int routeVendorAccess() throws SQLException {
    int node = tx.node >= 0 ? tx.node : placement.primary(RouteReason.PINNED);
    pinnedNode = node;
    vendorWrites = true;
    return node;
  }

  /**
   * The node whose transaction {@code commit()} / {@code rollback()} must end when none is known: a
   * session unwrapped to a vendor object with autocommit off may have begun one through it.
   */
  private int unseenTransactionNode() {
    return vendorWrites && !tx.autoCommit ? pinnedNode : -1;
  }

  private int decide(StatementKind kind, Hint hint) throws SQLException {
    if (curRetryOnPrimary) {
      curRetryOnPrimary = false;
      return placement.primary(RouteReason.WRITE);
    }
    if (tx.node >= 0) {
      return tx.node;
    }
    if ((kind == StatementKind.BEGIN_READ_ONLY || kind == StatementKind.TRANSACTION_SCOPED)
        && cur.mayRequestSerializable()
        && !dialect.replicasServeSerializable()) {
      // START TRANSACTION READ ONLY ISOLATION LEVEL SERIALIZABLE, or SET TRANSACTION ... as the
      // first statement of a read-only transaction: a standby would refuse it.
      return placement.primary(RouteReason.TRANSACTION);
    }
    return placement.place(
        kind, hint, !tx.autoCommit, tx.readOnly, isolation.effective(), pinnedNode);
  }

  /** Records, before the statement is sent, the transaction it begins. */
  private void dispatch(int node, StatementKind kind) {
    curNode = node;
    curStartedTx =
        tx.node < 0
            && (!tx.autoCommit
                || kind == StatementKind.BEGIN
                || kind == StatementKind.BEGIN_READ_ONLY);
    if (curStartedTx) {
      tx.begin(node, tx.autoCommit);
    }
    selector.started(node);
  }

  /**
   * The vendor transaction on the current transaction's node has begun: from now on session changes
   * there run inside it. Implied by {@link #executed()} and {@link #failed}.
   */
  public void sent() {
    if (tx.node >= 0) {
      tx.sent = true;
    }
  }

  /** Pins the session to {@code node} (state that cannot be replayed lives there). */
  public void pin(int node) {
    pinnedNode = node;
  }

  /** True when a vendor transaction is open on {@code node}. */
  public boolean transactionOpenOn(int node) {
    return tx.openOn(node) || unseenTransactionNode() == node;
  }

  /**
   * False inside a transaction on a replica: a write prepared now cannot be bound to the primary.
   */
  public boolean writesGoToPrimary() {
    return tx.node < 0 || tx.node == topology.view().primary();
  }

  /**
   * Where a write would run now, without routing one (a statement bound when prepared, a batch
   * being added): the open transaction's node, else the primary. Inside a read-only transaction on
   * a replica that is the replica, whose server refuses the write, as one vendor connection would.
   */
  public int writeNode() throws SQLException {
    return tx.node >= 0 ? tx.node : placement.primary(RouteReason.WRITE);
  }

  /**
   * A write made outside the statements routed here (an updatable result set's row change on {@code
   * node}): captured as a write.
   */
  public int wroteOutside(int node) {
    return wrote(node);
  }

  /** The routed statement succeeded on its node: the effects to carry out. */
  public int executed() {
    int node = curNode;
    selector.finished(node);
    sent();
    ClusterView s = topology.view();
    if (cur != null) {
      counter.count(node, reasonFor(s, node));
    }
    lastNode = node;
    Classification c = cur;
    StatementKind kind = c == null ? StatementKind.READ : c.kind();
    boolean onPrimary = node == s.primary();
    if (kind == StatementKind.READ
        || kind == StatementKind.TRANSACTION_SCOPED
        || kind == StatementKind.BEGIN_READ_ONLY) {
      // Statements that return data (a cursor FETCH is transaction-scoped). A write's position
      // is captured after it commits, which covers what it read.
      positions.read(s, node, onPrimary);
    }
    if (c != null && c.setsAutocommit()) {
      // Tracked from the vendor's flag, not pinned: the session keeps its replicas.
      return Effects.SYNC_AUTOCOMMIT;
    }
    int fx =
        c != null && c.mayChangeIsolation() && kind != StatementKind.READ
            ? Effects.SYNC_ISOLATION
            : 0;
    switch (kind) {
      case BEGIN:
      case BEGIN_READ_ONLY:
        if (!curStartedTx && (c.chains() || c.mayCommitImplicitly())) {
          fx |= tx.chained(node, !c.rollsBack(), vendorWrites);
        }
        return fx;
      case END_TRANSACTION:
        if (tx.node >= 0) {
          return tx.end(!c.rollsBack(), vendorWrites);
        }
        // COMMIT with no transaction known: a multi-statement string or an unwrapped vendor
        // connection may have begun one.
        return !c.rollsBack() && (pinnedNode >= 0 || vendorWrites) ? capture.afterEnd(node) : 0;
      case SESSION_PINNING:
        pinnedNode = node;
        fx |= wrote(node);
        if (c.controlsTransactionsInSeveralStatements()
            || c.mayCommitImplicitly() && tx.node >= 0) {
          // LOCK TABLES commits the open transaction: ask the vendor.
          fx |= Effects.SYNC_TRANSACTION;
        }
        return fx;
      case SESSION_REPLAYABLE:
        return fx | Effects.RECORD_SESSION_SQL | (vendorWrites ? wrote(node) : 0);
      case SESSION_RESET:
        pinnedNode = -1;
        vendorWrites = false;
        isolation.reset();
        tx.version++;
        return Effects.SESSION_RESET;
      case TRANSACTION_SCOPED:
        return fx | (vendorWrites ? wrote(node) : 0);
      case WRITE:
        fx |= wrote(node);
        if (c.mayCommitImplicitly() && tx.node >= 0) {
          // The open transaction may have been committed: ask the vendor.
          fx |= Effects.SYNC_TRANSACTION;
        }
        return fx;
      default:
        return vendorWrites ? wrote(node) : 0;
    }
  }

  /** A statement that may have written succeeded: capture now in autocommit, else at the end. */
  private int wrote(int node) {
    if (node != topology.view().primary()) {
      // A replica accepts no write: what ran there (a pinning statement) has nothing to capture.
      return 0;
    }
    if (tx.node >= 0) {
      tx.wrote = true;
      return 0;
    }
    return capture.capture(node, false);
  }

  /**
   * The routed statement failed with {@code sqlState}: the effects to carry out, {@link
   * #Effects.RETRY} among them when it may run again (once, in autocommit, off a replica).
   *
   * @param connectionBroken the failure is a connection error (SQLState class 08 or similar)
   * @param firstAttempt no retry has happened for this execution yet
   */
  public int failed(String sqlState, boolean connectionBroken, boolean firstAttempt)
      throws SQLException {
    return failed(sqlState, connectionBroken, false, firstAttempt);
  }

  /**
   * As {@link #failed(String, boolean, boolean)}; {@code timedOut}: the vendor's socket read timed
   * out (socketTimeout, a network timeout), which is a broken connection too. Such a statement
   * never runs again on the same host, a read on the primary included: it may be a slow query, not
   * a dead host, and running it again there would double the wait the timeout bounds. Unless an
   * autocommit read that timed out on a replica runs once elsewhere (that replica may hang), the
   * session is lost, as the vendor driver closes its connection on a socket timeout (PgJDBC's
   * SocketTimeoutTest, NetworkTimeoutTest).
   */
  public int failed(
      String sqlState, boolean connectionBroken, boolean timedOut, boolean firstAttempt)
      throws SQLException {
    int node = curNode;
    selector.finished(node);
    sent();
    ClusterView s = topology.view();
    int fx = 0;
    if (connectionBroken) {
      fx |= Effects.DROP_CONNECTION;
      selector.forget(node);
      // A transaction that this very statement was to begin held nothing yet. A session setting
      // that broke the connection is one the vendor driver refuses (PgJDBC closes its connection
      // on a client_encoding other than UTF8, a DateStyle not ISO): reopening the connection
      // without it would hide that from the application.
      boolean lost =
          node == tx.node && !curStartedTx || node == pinnedNode || setsSessionState(cur);
      if (node == tx.node) {
        fx |= tx.lost();
      }
      if (node == pinnedNode) {
        pinnedNode = -1;
      }
      if (lost) {
        return fx | Effects.SESSION_LOST;
      }
    }
    if (curStartedTx && tx.autoCommit) {
      // BEGIN itself failed (COMMIT AND CHAIN outside a transaction): no transaction began.
      tx.forget();
    }
    Classification c = cur;
    if (c != null && tx.node >= 0 && !connectionBroken) {
      boolean mayWrite =
          c.kind() == StatementKind.WRITE || c.kind() == StatementKind.SESSION_PINNING;
      fx |= tx.failedInside(node, mayWrite && node == s.primary(), c.mayCommitImplicitly());
    }
    if (c != null && c.controlsTransactionsInSeveralStatements() && !connectionBroken) {
      // "BEGIN; INSERT …" whose INSERT failed leaves an (aborted) transaction open.
      fx |= Effects.SYNC_TRANSACTION;
    }
    boolean autocommitStatement = tx.node < 0 && !curStartedTx;
    if ((c == WRITE || c != null && c.kind() == StatementKind.SESSION_PINNING)
        && autocommitStatement
        && node == s.primary()) {
      // A batch, a call or a multi-statement string that failed may still have committed part of
      // its work: the position is captured anyway.
      fx |= capture.capture(node, false);
    }
    if ("0A000".equals(sqlState) && node != s.primary() && !dialect.replicasServeSerializable()) {
      // Perhaps a serializable default the session never set ({@link IsolationState}).
      fx |= isolation.refusedBy(node, autocommitStatement);
    }
    int retry =
        Retry.decide(
            sqlState, connectionBroken, firstAttempt, autocommitStatement, c, node == s.primary());
    if (timedOut) {
      // Elsewhere only: a replica that hangs is left for another host (DESIGN's failure table), but
      // on the same host a slow query would only wait again.
      return node != s.primary() && retry == Effects.RETRY
          ? fx | Effects.RETRY
          : fx | Effects.SESSION_LOST;
    }
    if (retry == Retry.ON_PRIMARY) {
      curRetryOnPrimary = true;
      return fx | Effects.RETRY;
    }
    return fx | retry;
  }

  private static boolean setsSessionState(Classification c) {
    return c != null
        && (c.kind() == StatementKind.SESSION_REPLAYABLE
            || c.kind() == StatementKind.SESSION_PINNING);
  }

  /** Explains a statement that ran on {@code node}, in the order {@link #decide} applies rules. */
  private RouteReason reasonFor(ClusterView s, int node) {
    if (node != s.primary()) {
      return s.primary() < 0 ? RouteReason.PRIMARY_UNREACHABLE : RouteReason.REPLICA;
    }
    if (!curStartedTx && tx.node >= 0) {
      return RouteReason.TRANSACTION;
    }
    RouteReason why = placement.reason();
    return why != null ? why : RouteReason.WRITE;
  }

  // ---------------------------------------------------------------- transactions
  // The rows of the table that JDBC calls drive, carried out by TransactionState.

  /**
   * The node whose vendor connection {@code setAutoCommit(true)} must switch now, committing the
   * open transaction there; -1 when there is none. Call {@link #setAutoCommit} after it.
   */
  public int autoCommitNode(boolean on) {
    return tx.autoCommitNode(on, unseenTransactionNode());
  }

  /**
   * Autocommit changes; switching it on commits the open transaction (see {@link #autoCommitNode}).
   */
  public int setAutoCommit(boolean on) {
    return tx.setAutoCommit(on, unseenTransactionNode(), vendorWrites);
  }

  /**
   * SQL ({@code SET autocommit = ...}) left the vendor connection's autocommit {@code on}: as
   * {@link #setAutoCommit}, except that the vendor has already committed an open transaction.
   */
  public int autoCommitSetBySql(boolean on) {
    return setAutoCommit(on);
  }

  /**
   * After several statements with transaction control ran on {@code node}, the vendor says whether
   * a transaction is open there: the state here follows.
   */
  public int transactionStateSeen(int node, boolean open) {
    return tx.stateSeen(node, open, vendorWrites);
  }

  /** The vendor cannot say whether a statement that may commit implicitly did. */
  public int transactionStateUnknown(int node) {
    return tx.stateUnknown(node);
  }

  /**
   * The node on which {@code commit()} or {@code rollback()} must run; -1 when there is nothing to
   * end.
   *
   * @throws SQLException 25P01 with autocommit on, where the vendor driver refuses too
   */
  public int endNode(boolean commit) throws SQLException {
    return tx.endNode(commit, unseenTransactionNode());
  }

  /**
   * The transaction was committed ({@code committed}) or rolled back by {@code commit()} or {@code
   * rollback()}, or a failed commit ended it: the effects to carry out.
   */
  public int ended(boolean committed) {
    return tx.ended(committed, unseenTransactionNode(), vendorWrites);
  }

  /**
   * A savepoint is set or used: it begins the transaction where a statement would; returns its
   * node.
   *
   * @throws SQLException 25P01 with autocommit on, where the vendor driver refuses
   */
  public int savepointNode() throws SQLException {
    if (tx.node >= 0) {
      return tx.node;
    }
    if (tx.autoCommit) {
      if (dialect.strictAutocommitCommit()) {
        throw new SQLException("Cannot establish a savepoint in auto-commit mode.", "25P01");
      }
      placement.clear();
      return placement.primary(RouteReason.TRANSACTION);
    }
    return routeConnectionCall();
  }

  /** 25001 inside a transaction where the vendor refuses the change (PostgreSQL). */
  public void setReadOnly(boolean on) throws SQLException {
    tx.setReadOnly(on);
  }

  /** As {@link #setReadOnly}, for the isolation level. */
  public void setIsolation(int level) throws SQLException {
    tx.setIsolation(level);
  }

  /**
   * After a statement that may change the isolation level ({@link Effects#SYNC_ISOLATION}), the
   * server of the node that ran it says which levels are in force: {@code session} for the
   * transactions to come, {@code current} for the open one. From now on they are the session's, as
   * if set through JDBC; on a server that undoes session changes on rollback, a rollback of the
   * open transaction restores the earlier level.
   */
  public void isolationSeen(int session, int current) {
    if (isolation.seen(session, current, tx.node >= 0 && tx.sent, sessionSqlIsProvisional())) {
      tx.version++;
    }
  }

  /**
   * A server reported {@code level} as the default isolation of this session's login (server,
   * database or role setting) when its connection opened or after it refused serializable.
   * Serializable is remembered: replicas that refuse it are not used for this session's reads.
   */
  public void defaultIsolationSeen(int level) {
    isolation.loginDefaultSeen(level);
  }

  /**
   * True, once, when the vendor connection of {@code node}, to which a statement was just routed,
   * must first be asked for its default isolation ({@link #defaultIsolationSeen}, then {@link
   * #refusedIsolation}): it refused a statement inside a transaction that is now over.
   */
  public boolean defaultCheckDue(int node) {
    return isolation.checkDue(node, tx.openOn(node));
  }

  /**
   * The statement just routed to {@code node} would run at an isolation level that node refuses,
   * which its connection revealed only when it opened ({@link #defaultIsolationSeen}): the decision
   * is undone, and the caller routes the statement again. False: it stays.
   */
  public boolean refusedIsolation(int node) {
    if (!refuses(node)) {
      return false;
    }
    selector.finished(node);
    if (curStartedTx) {
      tx.forget();
    }
    return true;
  }

  /**
   * As {@link #refusedIsolation}, for the node {@link #routeConnectionCall} just returned (a
   * metadata query on a replica whose new connection revealed a serializable default): the decision
   * is undone, and the caller routes the call again.
   */
  public boolean connectionCallRefused(int node) {
    if (!refuses(node)) {
      return false;
    }
    if (curStartedTx) {
      tx.forget();
    }
    return true;
  }

  private boolean refuses(int node) {
    return !dialect.replicasServeSerializable()
        && isolation.effective() == IsolationState.SERIALIZABLE
        && node != topology.view().primary()
        && curNode == node
        && (tx.node < 0 || curStartedTx);
  }

  /** The level the session's next transaction runs at: set by JDBC or SQL, else the default. */
  public int effectiveIsolation() {
    return isolation.effective();
  }

  /**
   * What {@code getTransactionIsolation()} reports without asking a server: the open transaction's
   * own level, else the session's; -1 when only a server knows.
   */
  public int reportedIsolation() {
    return isolation.reported(tx.node >= 0);
  }

  /**
   * Bumped when vendor connections may hold another isolation level than the one they were given
   * (SQL changed it, a rollback or DISCARD ALL undid it): they forget what they were given.
   */
  public int isolationEpoch() {
    return isolation.epoch;
  }

  // ---------------------------------------------------------------- state for the caller

  public boolean autoCommit() {
    return tx.autoCommit;
  }

  public boolean readOnly() {
    return tx.readOnly;
  }

  /** The isolation level set through JDBC or SQL, or -1. */
  public int isolation() {
    return isolation.session;
  }

  public int version() {
    return tx.version;
  }

  /** Node of the open transaction, or -1. */
  public int transactionNode() {
    return tx.node;
  }

  /** True while a transaction is open (begun by JDBC or SQL). */
  public boolean inTransaction() {
    return tx.node >= 0;
  }

  /** True when session SQL run now is undone if the open transaction rolls back. */
  public boolean sessionSqlIsProvisional() {
    return tx.node >= 0 && dialect.sessionSqlIsTransactional();
  }

  /** Node where state that cannot be replayed lives, or -1. */
  public int pinnedNode() {
    return pinnedNode;
  }

  public boolean isPinned() {
    return pinnedNode >= 0;
  }

  /** Node of the last statement that succeeded, or -1. */
  public int lastNode() {
    return lastNode;
  }

  /** Where the position of {@link Effects#CAPTURE} is to be read. */
  public int captureNode() {
    return capture.node;
  }

  /**
   * A vendor transaction is or may be open on {@link #captureNode()} now: the capture runs inside
   * it and must not end it (by switching autocommit on). False right after a commit there, even in
   * a session unwrapped to a vendor object, so that the capture does not begin a transaction the
   * session then holds open ("idle in transaction") until its next statement.
   */
  public boolean captureInTransaction() {
    return capture.inTransaction(tx.sent ? tx.node : -1, unseenTransactionNode());
  }

  public SessionPositions positions() {
    return positions;
  }

  /** True once the session was unwrapped to a vendor object (its writes are not seen here). */
  public boolean hasVendorWrites() {
    return vendorWrites;
  }

  private static final Classification WRITE =
      new Classification(StatementKind.WRITE, Hint.NONE, "write: no SQL (batch, call)");

  private static final Classification CONNECTION_CALL =
      new Classification(StatementKind.READ, Hint.NONE, "connection-level call");

  @Override
  public String toString() {
    return "Router[autoCommit="
        + tx.autoCommit
        + ", readOnly="
        + tx.readOnly
        + ", tx="
        + tx.node
        + (tx.bySql ? " (SQL)" : "")
        + ", pinned="
        + pinnedNode
        + "]";
  }
}
