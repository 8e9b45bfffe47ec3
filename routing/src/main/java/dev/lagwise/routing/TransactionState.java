package dev.lagwise.routing;

import java.sql.SQLException;

/**
 * Autocommit, read-only and the open transaction of one session, for {@link Router}: the rows of
 * its table that JDBC calls and the vendor's reports drive (autocommit, commit and rollback,
 * read-only and isolation changes). {@link #node} is the open transaction's node n in SQL_TX(n) and
 * TX(n), -1 in AUTO and IDLE. It is recorded when the transaction's first statement is dispatched
 * ({@link #begin}), not when it succeeds: a first statement that fails still leaves a vendor
 * transaction that only a rollback on that node ends. {@link #sent}: a statement reached the server
 * there, so a vendor transaction is open on n and session changes run inside it. {@link #wrote}: it
 * wrote on the primary, so its commit is captured. When the router forgets a transaction ({@link
 * #forget}) the flags keep their values until the next one begins; nothing reads them meanwhile.
 * {@link #version} moves with every change of autocommit, read-only or isolation level, so that
 * physical connections sync.
 *
 * <p>Arguments named {@code unseen}: the node of a vendor transaction that the session may have
 * begun through an unwrapped vendor object, else -1; {@code vendorWrites}: the session was
 * unwrapped, so its writes are invisible here and every commit captures.
 */
final class TransactionState {

  private final Topology topology;
  private final Router.Dialect dialect;
  private final SessionPositions positions;
  private final IsolationState isolation;
  private final PendingCapture capture;

  boolean autoCommit = true;
  boolean readOnly;

  /** Bumped on every change of autocommit, read-only or isolation; physical connections sync. */
  int version;

  /** Node of the open transaction, or -1. */
  int node = -1;

  /** Begun by SQL in autocommit (SQL_TX), not by autocommit off (TX). */
  boolean bySql;

  boolean wrote;

  /** The vendor transaction on {@link #node} has begun (a statement reached the server). */
  boolean sent;

  TransactionState(
      Topology topology,
      Router.Dialect dialect,
      SessionPositions positions,
      IsolationState isolation,
      PendingCapture capture) {
    this.topology = topology;
    this.dialect = dialect;
    this.positions = positions;
    this.isolation = isolation;
    this.capture = capture;
  }

  // ---------------------------------------------------------------- moves made by the router

  /** The first statement of a transaction is dispatched to {@code node}. */
  void begin(int node, boolean bySql) {
    this.node = node;
    this.bySql = bySql;
    wrote = false;
    sent = false;
  }

  /**
   * A transaction already open on the server of {@code node} is now the session's (the vendor said
   * so, or COMMIT AND CHAIN began the next one); {@code wrote}: it may have written.
   */
  void openSeen(int node, boolean bySql, boolean wrote) {
    this.node = node;
    this.bySql = bySql;
    this.wrote = wrote;
    sent = true;
  }

  /** No transaction is the session's any more (it died, or its beginning was undone). */
  void forget() {
    node = -1;
  }

  /**
   * COMMIT AND CHAIN (or MySQL's BEGIN, which commits first) ended the open transaction ({@code
   * committed}, else rolled back) and began the next one on the same node, unless the vendor says
   * otherwise (COMMIT AND CHAIN in an aborted transaction only rolls back).
   */
  int chained(int node, boolean committed, boolean vendorWrites) {
    int fx = end(committed, vendorWrites);
    openSeen(node, autoCommit, false);
    return fx | Effects.SYNC_TRANSACTION;
  }

  /** The connection of the open transaction broke: the transaction died with it. */
  int lost() {
    node = -1;
    if (isolation.ended(false)) {
      version++;
    }
    return Effects.ROLLED_BACK;
  }

  /**
   * A statement failed inside the open transaction on {@code node}, its connection intact; {@code
   * wroteOnPrimary}: it may have written there. MySQL keeps the rows of a statement that failed
   * part-way (a batch) in the transaction, and commits before DDL ({@code mayCommitImplicitly})
   * even when the DDL then fails. An error does not carry the server's transaction status, so the
   * vendor cannot say: capture now, and at the end.
   */
  int failedInside(int node, boolean wroteOnPrimary, boolean mayCommitImplicitly) {
    wrote |= wroteOnPrimary;
    return mayCommitImplicitly && wrote ? capture.capture(node, true) : 0;
  }

  /** A vendor transaction of the session is open on {@code node}. */
  boolean openOn(int node) {
    return this.node == node && sent;
  }

  // ---------------------------------------------------------------- JDBC calls and vendor reports

  /** See {@link Router#autoCommitNode}. */
  int autoCommitNode(boolean on, int unseen) {
    return on && !autoCommit ? (node >= 0 ? node : unseen) : -1;
  }

  /** Autocommit changes; switching it on commits the open transaction. */
  int setAutoCommit(boolean on, int unseen, boolean vendorWrites) {
    if (on == autoCommit) {
      return 0;
    }
    int fx = 0;
    if (on) {
      fx = ended(true, unseen, vendorWrites);
    }
    autoCommit = on;
    version++;
    return fx;
  }

  /**
   * The vendor says whether a transaction is open on {@code node}: the state here follows. A
   * transaction that ended may have committed or rolled back; it is captured either way (a capture
   * too many costs a round trip).
   */
  int stateSeen(int node, boolean open, boolean vendorWrites) {
    if (open && this.node < 0) {
      openSeen(node, autoCommit, true);
      return 0;
    }
    if (!open && this.node >= 0) {
      return end(true, vendorWrites);
    }
    return 0;
  }

  /**
   * The vendor cannot say whether a statement that may commit implicitly did: the position is
   * captured now (covering a commit that happened), and again when the transaction ends.
   */
  int stateUnknown(int node) {
    return this.node >= 0 && wrote ? capture.capture(node, true) : 0;
  }

  /** See {@link Router#endNode}. */
  int endNode(boolean commit, int unseen) throws SQLException {
    if (autoCommit && dialect.strictAutocommitCommit()) {
      throw new SQLException(
          "Cannot " + (commit ? "commit" : "rollback") + " when autoCommit is enabled.", "25P01");
    }
    return node >= 0 ? node : unseen;
  }

  /** See {@link Router#ended}. */
  int ended(boolean committed, int unseen, boolean vendorWrites) {
    if (node >= 0) {
      return end(committed, vendorWrites);
    }
    return unseen >= 0 && committed ? capture.afterEnd(unseen) : 0;
  }

  /**
   * The open transaction ended: {@link Effects#COMMITTED} or {@link Effects#ROLLED_BACK}, and the
   * capture of a commit that wrote. One on the primary that ends without a capture still raises the
   * session's positions, since its locking reads saw the primary.
   */
  int end(boolean committed, boolean vendorWrites) {
    int node = this.node;
    boolean onPrimary = node == topology.view().primary();
    boolean wrote = this.wrote || vendorWrites;
    this.node = -1;
    this.wrote = false;
    bySql = false;
    sent = false;
    if (isolation.ended(committed)) {
      version++;
    }
    int fx = committed ? Effects.COMMITTED : Effects.ROLLED_BACK;
    if (committed && wrote) {
      return fx | capture.afterEnd(node);
    }
    if (onPrimary) {
      positions.primaryTransactionEnded();
    }
    return fx;
  }

  /**
   * Where the vendor refuses it (PostgreSQL), read-only cannot change inside a transaction, not
   * even to its current value; elsewhere it applies to the next transaction.
   */
  void setReadOnly(boolean on) throws SQLException {
    if (node >= 0 && dialect.strictAutocommitCommit()) {
      throw new SQLException(
          "Cannot change transaction read-only property in the middle of a transaction.", "25001");
    }
    if (on != readOnly) {
      readOnly = on;
      version++;
    }
  }

  /** As {@link #setReadOnly}, for the isolation level. */
  void setIsolation(int level) throws SQLException {
    if (node >= 0 && dialect.strictAutocommitCommit()) {
      throw new SQLException(
          "Cannot change transaction isolation level in the middle of a transaction.", "25001");
    }
    if (isolation.set(level)) {
      version++;
    }
  }
}
