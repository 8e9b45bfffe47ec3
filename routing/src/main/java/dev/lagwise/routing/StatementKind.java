package dev.lagwise.routing;

/** What a SQL string does, as far as routing is concerned. See {@link SqlClassifier}. */
public enum StatementKind {
  /** Certainly a read: may go to a replica. */
  READ,
  /**
   * Anything else, including DDL, unknown statements, CALL, DO, COPY and mixed multi-statements.
   */
  WRITE,
  /** Changes session state that can be replayed on other connections ({@code SET x = ...}). */
  SESSION_REPLAYABLE,
  /**
   * Affects only the current transaction ({@code SET LOCAL}, savepoints): no routing of its own.
   */
  TRANSACTION_SCOPED,
  /** Changes session state that cannot be replayed: pins the session to the primary. */
  SESSION_PINNING,
  /** Undoes pinning ({@code DISCARD ALL} on PostgreSQL). */
  SESSION_RESET,
  /** Starts a read-write (or unspecified) transaction. */
  BEGIN,
  /** Starts a read-only transaction. */
  BEGIN_READ_ONLY,
  /** Ends the current transaction (COMMIT, END, ROLLBACK, ABORT). */
  END_TRANSACTION
}
