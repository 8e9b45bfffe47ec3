package dev.lagwise.routing;

/** The immutable result of classifying one SQL string; instances are cached and shared. */
public final class Classification {
  static final Classification NULL_SQL =
      new Classification(StatementKind.WRITE, Hint.NONE, "no SQL (null)");

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

  private final StatementKind kind;
  private final Hint hint;
  private final String reason;

  Classification(StatementKind kind, Hint hint, String reason) {
    this.kind = kind;
    this.hint = hint;
    this.reason = reason;
  }

  public StatementKind kind() {
    return kind;
  }

  public Hint hint() {
    return hint;
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
