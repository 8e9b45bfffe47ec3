package dev.lagwise.routing;

/** The immutable result of classifying one SQL string; instances are cached and shared. */
public final class Classification {
  static final Classification NULL_SQL =
      new Classification(StatementKind.WRITE, Hint.NONE, "no SQL (null)");

  /**
   * {@code COPY table TO STDOUT} run through PgJDBC's CopyManager (the driver sees the table form
   * apart from SQL; the SQL classifier calls every COPY a write).
   */
  public static final Classification COPY_TO =
      new Classification(StatementKind.READ, Hint.NONE, "read: COPY TO");

  /** Pre-built reads, so that classifying a common read allocates no result. */
  private static final String[] READ_REASONS = {
    "read: SELECT",
    "read: WITH",
    "read: VALUES",
    "read: TABLE",
    "read: SHOW",
    "read: EXPLAIN",
    "read: DESCRIBE",
    "read: multiple statements"
  };

  private static final Classification[] READS = new Classification[READ_REASONS.length * 3];

  static {
    for (int i = 0; i < READ_REASONS.length; i++) {
      for (Hint h : Hint.values()) {
        READS[i * 3 + h.ordinal()] = new Classification(StatementKind.READ, h, READ_REASONS[i]);
      }
    }
  }

  /** {@link StatementKind#END_TRANSACTION} that rolls back (ROLLBACK, ABORT). */
  static final int ROLLBACK = 1;

  /** Ends the open transaction and starts another one on the same connection (AND CHAIN). */
  static final int CHAIN = 2;

  /**
   * May commit an open transaction implicitly (MySQL/MariaDB DDL, LOCK TABLES, BEGIN inside a
   * transaction). "May": a statement that does not (CREATE TEMPORARY TABLE) carries it too.
   */
  static final int IMPLICIT_COMMIT = 4;

  /** Sets MySQL/MariaDB's autocommit ({@code SET autocommit = ...}). */
  static final int AUTOCOMMIT = 8;

  /** Several statements, some of them transaction control: the transaction state is unknown. */
  static final int MULTI_CONTROL = 16;

  /**
   * Names a transaction isolation setting ({@code SET SESSION CHARACTERISTICS AS TRANSACTION
   * ISOLATION LEVEL}, {@code SET default_transaction_isolation}, MySQL's {@code tx_isolation}) or
   * may reset one ({@code RESET}): after it runs, the server says which level is in force.
   */
  static final int ISOLATION = 32;

  /** Names the level SERIALIZABLE (as a word, not a string): PostgreSQL standbys refuse it. */
  static final int SERIALIZABLE = 64;

  /**
   * Calls a PostgreSQL function or procedure Lagwise does not know ({@code SELECT my_function()},
   * {@code CALL p()}, {@code DO}): its body may change session settings ({@code set_config} in
   * PL/pgSQL) that no command tag reveals, and that PostgreSQL before 18 does not report.
   */
  static final int CALLS_FUNCTION = 128;

  private final StatementKind kind;
  private final Hint hint;
  private final String reason;
  private final int flags;

  Classification(StatementKind kind, Hint hint, String reason) {
    this(kind, hint, reason, 0);
  }

  private Classification(StatementKind kind, Hint hint, String reason, int flags) {
    this.kind = kind;
    this.hint = hint;
    this.reason = reason;
    this.flags = flags;
  }

  public StatementKind kind() {
    return kind;
  }

  public Hint hint() {
    return hint;
  }

  /** An {@link StatementKind#END_TRANSACTION} that rolls back rather than commits. */
  public boolean rollsBack() {
    return (flags & ROLLBACK) != 0;
  }

  /** Commits the open transaction and starts a new one ({@code COMMIT AND CHAIN}). */
  public boolean chains() {
    return (flags & CHAIN) != 0;
  }

  /** Changes autocommit through SQL: the vendor connection's flag is the truth afterwards. */
  public boolean setsAutocommit() {
    return (flags & AUTOCOMMIT) != 0;
  }

  /** Several statements with transaction control: ask the vendor whether one is open after. */
  public boolean controlsTransactionsInSeveralStatements() {
    return (flags & MULTI_CONTROL) != 0;
  }

  /**
   * Asks for serializable isolation ({@code START TRANSACTION READ ONLY ISOLATION LEVEL
   * SERIALIZABLE}, {@code SET TRANSACTION ISOLATION LEVEL SERIALIZABLE}): not for a PostgreSQL
   * standby.
   */
  public boolean mayRequestSerializable() {
    return (flags & (ISOLATION | SERIALIZABLE)) == (ISOLATION | SERIALIZABLE);
  }

  /**
   * Calls a function or procedure whose body may change session settings unseen: the session's
   * settings on the node that ran it are compared before and after.
   */
  public boolean callsFunction() {
    return (flags & CALLS_FUNCTION) != 0;
  }

  /** May change the isolation level: ask the server which one is in force after it ran. */
  public boolean mayChangeIsolation() {
    return (flags & ISOLATION) != 0;
  }

  /** May commit an open transaction as a side effect (MySQL/MariaDB DDL and the like). */
  public boolean mayCommitImplicitly() {
    return (flags & IMPLICIT_COMMIT) != 0;
  }

  /**
   * A short human-readable reason, e.g. {@code "read: SELECT"} or {@code "unsafe function
   * nextval"}.
   */
  public String reason() {
    return reason;
  }

  /** True when the statement is certainly a read ({@code kind() == READ}); hints are separate. */
  public boolean isReplicaSafe() {
    return kind == StatementKind.READ;
  }

  static Classification of(StatementKind kind, Hint hint, String reason) {
    return of(kind, hint, reason, 0);
  }

  static Classification of(StatementKind kind, Hint hint, String reason, int flags) {
    if (flags != 0) {
      return new Classification(kind, hint, reason, flags);
    }
    if (kind == StatementKind.READ) {
      for (int i = 0; i < READ_REASONS.length; i++) {
        if (READ_REASONS[i].equals(reason)) {
          return READS[i * 3 + hint.ordinal()];
        }
      }
    }
    return new Classification(kind, hint, reason);
  }

  @Override
  public String toString() {
    return hint == Hint.NONE
        ? kind + " (" + reason + ")"
        : kind + " (" + reason + ", hint " + hint + ")";
  }
}
