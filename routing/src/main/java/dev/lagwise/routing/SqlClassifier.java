package dev.lagwise.routing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

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
 * <p>Caching: results are immutable and kept per SQL string in a {@link ConcurrentHashMap} bounded
 * to {@link #MAX_ENTRIES} strings of at most {@link #MAX_CACHED_LENGTH} characters; a hit is one
 * {@code get} with no lock and no allocation. When the map is full, an arbitrary entry is evicted
 * per insertion. {@link #markPrimaryOnly} entries live in a second, smaller map that the miss path
 * consults first, so an eviction never turns a statement a replica rejected back into a read.
 */
public final class SqlClassifier {
  static final int MAX_ENTRIES = 4096;
  static final int MAX_CACHED_LENGTH = 4096;
  static final int MAX_PRIMARY_ONLY = 4096;
  private static final List<String> DIALECTS = List.of("postgresql", "mysql", "mariadb");
  private static final NameTable NO_FUNCTIONS = new NameTable(List.of());

  private final String dialect;
  private final boolean mysql;
  private final NameTable userFunctions;
  private final ConcurrentHashMap<String, Classification> cache = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Classification> primaryOnly = new ConcurrentHashMap<>();

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
    c = primaryOnly.get(sql);
    if (c == null) {
      c = classifyUncached(sql);
    }
    if (sql.length() <= MAX_CACHED_LENGTH) {
      if (cache.size() >= MAX_ENTRIES) {
        evictOne();
      }
      cache.put(sql, c);
    }
    return c;
  }

  private void evictOne() {
    Iterator<String> it = cache.keySet().iterator();
    if (it.hasNext()) {
      String victim = it.next();
      cache.remove(victim);
    }
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
    Classification c =
        Classification.of(
            StatementKind.WRITE, Hint.NONE, "replica rejected: read-only transaction");
    if (primaryOnly.size() < MAX_PRIMARY_ONLY) {
      primaryOnly.put(sql, c);
    }
    if (sql.length() <= MAX_CACHED_LENGTH) {
      if (cache.size() >= MAX_ENTRIES) {
        evictOne();
      }
      cache.put(sql, c);
    }
  }

  NameTable userFunctions() {
    return userFunctions;
  }

  int cacheSize() {
    return cache.size();
  }

  @Override
  public String toString() {
    return "SqlClassifier[" + dialect + ", " + userFunctionNames.size() + " extra safe functions]";
  }
}
