package dev.lagwise.routing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Decides, from the SQL text alone, whether a statement may run on a replica.
 *
 * <p>Invariant: errors only on the safe side. When unsure, the answer is {@link
 * StatementKind#WRITE} (or {@link StatementKind#SESSION_PINNING}), which sends the statement to the
 * primary. A wrong "write" costs a little primary load; a wrong "read" is a correctness bug. So a
 * statement is {@link StatementKind#READ} only if it starts like a read ({@code SELECT}, {@code
 * WITH}, {@code VALUES}, {@code TABLE}, {@code SHOW}, {@code EXPLAIN}) and nothing in it is a
 * locking clause, {@code INTO}, a data-modifying verb, or a call of a function that is not known to
 * be safe; unterminated quotes and comments, unknown statements and anything the {@link Lexer}
 * cannot follow are writes. Where the meaning of the text depends on a server setting (backslashes
 * in strings: {@code standard_conforming_strings}, {@code NO_BACKSLASH_ESCAPES}, {@code
 * ANSI_QUOTES}) or on the server's version (MySQL's {@code /*!NNNNN ... *&#47;} runs only on
 * servers at least that new, {@code /*M! ... *&#47;} only on MariaDB), it is classified under every
 * reading and the readings are combined on the safe side ({@code Reading#or}): a read only if it is
 * one under all, else the reading that sends it to the primary and pins it.
 *
 * <p>Caching: results are immutable and kept per SQL string in a {@link ClassificationCache},
 * bounded in entries and in bytes (4 MiB per classifier, that is per cluster; texts over {@link
 * #MAX_CACHED_LENGTH} characters are not kept); a hit is one {@code get} with no lock and no
 * allocation. {@link #markPrimaryOnly} entries are also kept as fingerprints in a second, bounded
 * set that the miss path consults first, so neither an eviction nor a text too long to cache ever
 * turns a statement a replica rejected back into a read.
 */
public final class SqlClassifier {
  static final int MAX_ENTRIES = ClassificationCache.MAX_ENTRIES;
  static final int MAX_CACHED_LENGTH = ClassificationCache.MAX_CACHED_LENGTH;
  private static final List<String> DIALECTS = List.of("postgresql", "mysql", "mariadb");
  private static final NameTable NO_FUNCTIONS = new NameTable(List.of());
  private static final Classification REJECTED =
      Classification.of(StatementKind.WRITE, Hint.NONE, "replica rejected: read-only transaction");

  private final String dialect;
  private final boolean mysql;
  private final NameTable userFunctions;
  private final ClassificationCache cache = new ClassificationCache();

  private SqlClassifier(String dialect, NameTable userFunctions) {
    this.dialect = dialect;
    this.mysql = !dialect.equals("postgresql");
    this.userFunctions = userFunctions;
  }

  /**
   * A classifier for {@code "postgresql"}, {@code "mysql"} or {@code "mariadb"}.
   *
   * @throws IllegalArgumentException for any other value
   */
  public static SqlClassifier forDialect(String dialect) {
    if (dialect == null || !DIALECTS.contains(dialect)) {
      throw new IllegalArgumentException(
          "unknown SQL dialect '" + dialect + "': expected one of " + String.join(", ", DIALECTS));
    }
    return new SqlClassifier(dialect, NO_FUNCTIONS);
  }

  /**
   * A new classifier (with its own cache) that also treats these functions as replica-safe: names
   * are case-insensitive and may be schema-qualified ({@code "myschema.fn"} matches only that
   * qualified call; {@code "fn"} matches {@code fn(...)} in any schema).
   */
  public SqlClassifier withSafeFunctions(Collection<String> names) {
    List<String> all = new ArrayList<>(userFunctionNames);
    for (String n : names) {
      if (n != null && !n.isBlank()) {
        all.add(n.strip().toLowerCase(Locale.ROOT));
      }
    }
    SqlClassifier c = new SqlClassifier(dialect, new NameTable(all));
    c.userFunctionNames.addAll(all);
    return c;
  }

  private final List<String> userFunctionNames = new ArrayList<>();

  /** True when {@code sql} is certainly a read; false for null and anything else. Never throws. */
  public boolean isReplicaSafe(String sql) {
    return sql != null && classify(sql).isReplicaSafe();
  }

  /** The cached classification of {@code sql}. Never throws; null is a write. */
  public Classification classify(String sql) {
    if (sql == null) {
      return Classification.NULL_SQL;
    }
    Classification c = cache.get(sql);
    if (c != null) {
      return c;
    }
    c = cache.isPrimaryOnly(sql) ? REJECTED : classifyUncached(sql);
    cache.put(sql, c);
    if (c != REJECTED && cache.isPrimaryOnly(sql)) {
      // A replica rejected it while this thread classified it: the rejection wins.
      cache.put(sql, REJECTED);
      return REJECTED;
    }
    return c;
  }

  /** Classifies without the cache. Never throws; null is a write. */
  public Classification classifyUncached(String sql) {
    if (sql == null) {
      return Classification.NULL_SQL;
    }
    try {
      Analyzer a = new Analyzer(sql, mysql, false, false, this);
      a.run();
      Hint hint = a.lx.hintPrimary ? Hint.PRIMARY : a.lx.hintReplica ? Hint.REPLICA : Hint.NONE;
      Reading r = new Reading(a.kind, a.reason, a.flags);
      if (a.lx.backslashSeen) {
        r = r.or(reading(sql, true, false), "under the other backslash reading: ");
      }
      if (a.lx.execCommentSeen) {
        Reading c = reading(sql, false, true);
        if (a.lx.backslashSeen) {
          c = c.or(reading(sql, true, true), "under the other backslash reading: ");
        }
        if (!c.empty()) {
          r = r.or(c, "if the executable comment does not run: ");
        }
      }
      return Classification.of(r.kind, hint, r.reason, r.flags);
    } catch (RuntimeException | StackOverflowError e) {
      return Classification.of(StatementKind.WRITE, Hint.NONE, "classifier error: " + e);
    }
  }

  private Reading reading(String sql, boolean altBackslash, boolean execAsComment) {
    Analyzer b = new Analyzer(sql, mysql, altBackslash, execAsComment, this);
    b.run();
    return new Reading(b.kind, b.reason, b.flags);
  }

  /**
   * One way a server may read the text. Where two readings disagree the combined one is the safe
   * side of both: a read only if both are reads, the pinning reading over a write or a replayable
   * setting, a read-write BEGIN over a read-only one; any other disagreement (a BEGIN under one
   * reading, a SET under the other) pins the session and asks the vendor afterwards whether a
   * transaction is open.
   */
  private record Reading(StatementKind kind, String reason, int flags) {
    boolean empty() {
      return kind == StatementKind.WRITE && reason.equals("empty statement");
    }

    Reading or(Reading o, String why) {
      int f = flags | o.flags;
      if (o.kind == kind) {
        return new Reading(kind, reason, f);
      }
      if (kind == StatementKind.READ) {
        return new Reading(o.kind, why + o.reason, f);
      }
      if (o.kind == StatementKind.READ) {
        return new Reading(kind, reason, f);
      }
      boolean control = controls(kind) || controls(o.kind);
      if (control
          && (kind == StatementKind.BEGIN || o.kind == StatementKind.BEGIN)
          && (kind == StatementKind.BEGIN_READ_ONLY || o.kind == StatementKind.BEGIN_READ_ONLY)) {
        return new Reading(
            StatementKind.BEGIN, kind == StatementKind.BEGIN ? reason : why + o.reason, f);
      }
      if (!control && kind == StatementKind.SESSION_PINNING) {
        return new Reading(kind, reason, f);
      }
      if (!control && o.kind == StatementKind.SESSION_PINNING) {
        return new Reading(o.kind, why + o.reason, f);
      }
      return new Reading(
          StatementKind.SESSION_PINNING,
          why + o.reason + " (else: " + reason + ")",
          f | (control ? Classification.MULTI_CONTROL : 0));
    }

    private static boolean controls(StatementKind k) {
      return k == StatementKind.BEGIN
          || k == StatementKind.BEGIN_READ_ONLY
          || k == StatementKind.END_TRANSACTION;
    }
  }

  /**
   * Safety net: a replica rejected {@code sql} as a write (SQLSTATE 25006), so from now on it is a
   * {@link StatementKind#WRITE} without hint, with reason {@code "replica rejected: read-only
   * transaction"}.
   */
  public void markPrimaryOnly(String sql) {
    if (sql == null) {
      return;
    }
    // The rejection overrides a replica hint too: the statement writes, so it never goes to a
    // replica again.
    cache.markPrimaryOnly(sql);
    cache.put(sql, REJECTED);
  }

  NameTable userFunctions() {
    return userFunctions;
  }

  int cacheSize() {
    return cache.size();
  }

  /** Accounted bytes this classifier retains: results by SQL text plus primary-only SQL. */
  long retainedBytes() {
    return cache.cacheBytes() + cache.primaryOnlyBytes();
  }

  ClassificationCache cache() {
    return cache;
  }

  @Override
  public String toString() {
    return "SqlClassifier[" + dialect + ", " + userFunctionNames.size() + " extra safe functions]";
  }
}
