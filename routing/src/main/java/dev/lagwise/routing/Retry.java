package dev.lagwise.routing;

/**
 * Whether a statement that failed runs again, for {@link Router#failed}. It runs again at most once
 * per execution, only when it ran outside a transaction (nothing it did is held anywhere), and only
 * where running it again cannot repeat a change: a read whose connection broke (on a new
 * connection), or a statement a replica could not run where the primary can (elsewhere, or on the
 * primary).
 */
final class Retry {

  /** Not an {@link Effects} bit: run again, on the primary; the router keeps that for the retry. */
  static final int ON_PRIMARY = 1 << 30;

  private Retry() {}

  /**
   * The retry effects for a statement {@code c} (null: unknown) that failed with {@code sqlState}:
   * 0, {@link Effects#RETRY} (with {@link Effects#MARK_PRIMARY_ONLY}), or {@link #ON_PRIMARY}.
   *
   * @param autocommitStatement no transaction was open or began with the statement
   */
  static int decide(
      String sqlState,
      boolean connectionBroken,
      boolean firstAttempt,
      boolean autocommitStatement,
      Classification c,
      boolean onPrimary) {
    if (connectionBroken
        && firstAttempt
        && autocommitStatement
        && c != null
        && c.kind() == StatementKind.READ) {
      // A read in autocommit changed nothing: it runs again on a new connection (a replica's
      // elsewhere, the primary's reopened).
      return Effects.RETRY;
    }
    if (!firstAttempt || !autocommitStatement || onPrimary || c == null) {
      return 0;
    }
    if (connectionBroken) {
      // Not back to the replica that failed (selector.forget): the monitor probes it, and until
      // the probe says it is down, other connections still use it.
      return Effects.RETRY;
    }
    if ("25006".equals(sqlState)) {
      return Effects.RETRY | Effects.MARK_PRIMARY_ONLY;
    }
    if (replicaOnlyError(sqlState)) {
      return ON_PRIMARY;
    }
    return 0;
  }

  /**
   * Errors a standby raises where its primary would not: 0A000 (unlogged or temporary relations,
   * serializable isolation during recovery), 40001 (a recovery conflict cancelled the query), 57P01
   * and 57P04 (the standby shut down or dropped the session for recovery).
   */
  private static boolean replicaOnlyError(String sqlState) {
    return "0A000".equals(sqlState)
        || "40001".equals(sqlState)
        || "57P01".equals(sqlState)
        || "57P04".equals(sqlState);
  }
}
