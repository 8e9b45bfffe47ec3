package dev.lagwise.routing;

/**
 * Why a statement ran where it ran: one reason per successful statement, counted in {@code
 * LagwiseStats#statementsByReason()}. Reasons follow routing's order (transaction, pinned session,
 * hint, classification, replica availability): the first rule that decided the statement's node
 * names it. A statement that ran on a replica counts as {@link #REPLICA}, or as {@link
 * #PRIMARY_UNREACHABLE} when no primary was known.
 */
public enum RouteReason {
  /** Served by a replica. */
  REPLICA,
  /** Not a read: a write, DDL, SQL the classifier is unsure of, a procedure call, a batch. */
  WRITE,
  /**
   * Inside a transaction on the primary, a statement that started a read-write transaction, or a
   * serializable read on a database whose replicas cannot serve that isolation level.
   */
  TRANSACTION,
  /** The session is pinned to the primary by state that cannot move to another connection. */
  PINNED,
  /** A {@code lagwise:primary} hint comment at the start of the SQL. */
  HINT,
  /**
   * Replicas were up and within {@code lagwise.maxLag}, but none had replayed the position the
   * session must see (its own writes, a token, or what it already read).
   */
  TOKEN_NOT_SATISFIED,
  /** Replicas were up, but each was beyond {@code lagwise.maxLag} or its lag was unknown. */
  LAG_BOUND,
  /** No replica was up. */
  REPLICA_DOWN,
  /**
   * Served by a replica while no primary was reachable (or several hosts claimed to be primary): a
   * replica that had replayed everything the primary was last seen at, whatever its lag ({@code
   * lagwise.primaryLossReads=continue}).
   */
  PRIMARY_UNREACHABLE
}
