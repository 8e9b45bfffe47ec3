package dev.lagwise.routing;

/**
 * The read of the primary's position that follows a write ({@link Effects#CAPTURE}), for {@link
 * Router}. At most one is pending, to be read on {@link #node} before the next statement. Where the
 * session cannot capture ({@link SessionPositions#capturing}) nothing is ever pending; where the
 * positions observe commits without a read ({@link SessionPositions#observesCommits}) the commit is
 * recorded at once instead. A capture that follows the end of the transaction on its node ({@link
 * #afterEnd}) runs outside any vendor transaction: none is open there, not even one an unwrapped
 * vendor object may have begun.
 */
final class PendingCapture {

  private final SessionPositions positions;

  /** Where the pending capture is to be read, or -1 before the first. */
  int node = -1;

  /** The capture was asked for inside a transaction that may already have committed part of it. */
  private boolean inTransaction;

  /** The pending capture follows the end of the transaction on its node (commit, COMMIT). */
  private boolean afterEnd;

  PendingCapture(SessionPositions positions) {
    this.positions = positions;
  }

  /** A write on {@code node} is to be captured now: {@link Effects#CAPTURE} or 0. */
  int capture(int node, boolean inTransaction) {
    if (!positions.capturing()) {
      return 0;
    }
    if (positions.observesCommits()) {
      positions.committedAt();
      return 0;
    }
    this.node = node;
    this.inTransaction = inTransaction;
    afterEnd = false;
    return Effects.CAPTURE;
  }

  /** As {@link #capture}, right after the transaction on {@code node} ended. */
  int afterEnd(int node) {
    int fx = capture(node, false);
    afterEnd = true;
    return fx;
  }

  /**
   * A vendor transaction is or may be open on {@link #node}: {@code txOpenOn} is the node of the
   * session's open vendor transaction (-1: none), {@code unseenNode} the node of one an unwrapped
   * vendor object may have begun (-1: none).
   */
  boolean inTransaction(int txOpenOn, int unseenNode) {
    return inTransaction
        || node >= 0 && txOpenOn == node
        || node >= 0 && !afterEnd && unseenNode == node;
  }
}
