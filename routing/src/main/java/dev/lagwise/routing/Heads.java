package dev.lagwise.routing;

import static dev.lagwise.routing.Analyzer.CALL_MODE;
import static dev.lagwise.routing.Analyzer.READ_MODE;
import static dev.lagwise.routing.Lexer.EOF;
import static dev.lagwise.routing.Lexer.ERROR;
import static dev.lagwise.routing.Lexer.LPAREN;
import static dev.lagwise.routing.Lexer.RPAREN;
import static dev.lagwise.routing.Lexer.SEMI;
import static dev.lagwise.routing.Lexer.USERVAR;
import static dev.lagwise.routing.Lexer.WORD;
import static dev.lagwise.routing.StatementKind.BEGIN;
import static dev.lagwise.routing.StatementKind.BEGIN_READ_ONLY;
import static dev.lagwise.routing.StatementKind.END_TRANSACTION;
import static dev.lagwise.routing.StatementKind.SESSION_PINNING;
import static dev.lagwise.routing.StatementKind.SESSION_REPLAYABLE;
import static dev.lagwise.routing.StatementKind.SESSION_RESET;
import static dev.lagwise.routing.StatementKind.TRANSACTION_SCOPED;
import static dev.lagwise.routing.StatementKind.WRITE;

import java.util.Locale;

/** The first words of a statement: which kind of statement it is. */
final class Heads {
  private Heads() {}

  /** Classifies the statement starting at token {@code t}; returns the token that ended it. */
  static int statement(Analyzer a, int t) {
    Lexer lx = a.lx;
    if (t == LPAREN) {
      return read(a, t, "read: SELECT");
    }
    if (t != WORD) {
      return other(a, WRITE, "unrecognized statement", t);
    }
    int k = a.keyword();
    boolean my = a.mysql;
    if (my && k != Keywords.SELECT && commitsImplicitly(a, k)) {
      // MySQL and MariaDB commit the open transaction before these statements (CREATE and DROP
      // unless TEMPORARY: see create and drop).
      a.flags |= Classification.IMPLICIT_COMMIT;
    }
    if (k == Keywords.SELECT || k == Keywords.WITH || k == Keywords.VALUES || k == Keywords.TABLE) {
      return read(a, t, null);
    }
    if (k == Keywords.SHOW) {
      return my ? showMysql(a) : show(a, lx.next());
    }
    if (k == Keywords.EXPLAIN || (my && (k == Keywords.DESCRIBE || k == Keywords.DESC))) {
      return explain(a);
    }
    if (k == Keywords.BEGIN || k == Keywords.START) {
      return begin(a, k);
    }
    if (k == Keywords.COMMIT
        || k == Keywords.ROLLBACK
        || !my && (k == Keywords.END || k == Keywords.ABORT)) {
      return end(a, k);
    }
    if (k == Keywords.SAVEPOINT || k == Keywords.RELEASE) {
      return other(a, TRANSACTION_SCOPED, "savepoint", lx.next());
    }
    if (k == Keywords.SET) {
      return my ? SetStatements.mysql(a) : SetStatements.postgresql(a);
    }
    if (!my && k == Keywords.RESET) {
      a.flags |= Classification.ISOLATION; // RESET ALL, RESET default_transaction_isolation
      return other(a, SESSION_REPLAYABLE, "RESET", lx.next());
    }
    if (!my && k == Keywords.DISCARD) {
      t = lx.next();
      return a.keyword() == Keywords.ALL
          ? other(a, SESSION_RESET, "DISCARD ALL", lx.next())
          : other(a, SESSION_REPLAYABLE, "DISCARD", t);
    }
    if (!my && (k == Keywords.LISTEN || k == Keywords.UNLISTEN)) {
      return other(a, SESSION_PINNING, "LISTEN/UNLISTEN", lx.next());
    }
    if (k == Keywords.PREPARE) {
      t = lx.next();
      return !my && a.keyword() == Keywords.TRANSACTION
          ? other(a, END_TRANSACTION, "PREPARE TRANSACTION", lx.next())
          : other(a, SESSION_PINNING, "PREPARE creates a session prepared statement", t);
    }
    if (!my && k == Keywords.DECLARE) {
      return declare(a);
    }
    if (!my && (k == Keywords.FETCH || k == Keywords.MOVE || k == Keywords.CLOSE)) {
      return other(a, TRANSACTION_SCOPED, "cursor " + Keywords.upper(k), lx.next());
    }
    if (!my && (k == Keywords.CALL || k == Keywords.DO)) {
      // A procedure or an anonymous block: its body may change session settings unseen.
      a.flags |= Classification.CALLS_FUNCTION;
    }
    if (k == Keywords.LOCK) {
      // PostgreSQL's LOCK holds until the transaction ends (it is an error outside one); MySQL's
      // LOCK TABLES holds for the session.
      return my
          ? other(a, SESSION_PINNING, "LOCK", lx.next())
          : other(a, TRANSACTION_SCOPED, "LOCK lasts until the transaction ends", lx.next());
    }
    if (k == Keywords.CREATE) {
      return create(a);
    }
    if (my && isAny(a, "drop")) {
      t = lx.next();
      if (a.keyword() != Keywords.TEMPORARY) {
        a.flags |= Classification.IMPLICIT_COMMIT;
      }
      return other(a, WRITE, "write: DROP", t);
    }
    if (!my && k == Keywords.LOAD) {
      return other(a, SESSION_PINNING, "LOAD loads a library into the session", lx.next());
    }
    if (my && (k == Keywords.USE || k == Keywords.XA || k == Keywords.HANDLER)) {
      return other(a, SESSION_PINNING, Keywords.upper(k), lx.next());
    }
    String word = lx.end - lx.start <= 20 ? a.text().toUpperCase(Locale.ROOT) : "statement";
    return other(a, WRITE, k >= 0 ? "write: " + Keywords.upper(k) : "write: " + word, lx.next());
  }

  /**
   * The statements before which MySQL (and MariaDB) commit an open transaction: DDL, account
   * management, LOCK/UNLOCK TABLES, BEGIN, table maintenance, FLUSH, RESET, plugin and replication
   * control ("Statements That Cause an Implicit Commit" in the MySQL manual). "May": UNLOCK TABLES
   * commits only when tables were locked, and a failed statement may or may not have committed.
   */
  private static boolean commitsImplicitly(Analyzer a, int k) {
    return k == Keywords.LOCK
        || k == Keywords.UNLOCK
        || k == Keywords.BEGIN
        || k == Keywords.START
        || k == Keywords.RESET
        || k == Keywords.ANALYZE
        || isAny(
            a,
            "alter",
            "rename",
            "truncate",
            "grant",
            "revoke",
            "check",
            "optimize",
            "repair",
            "flush",
            "cache",
            "install",
            "uninstall",
            "stop",
            "change");
  }

  private static int show(Analyzer a, int t) {
    t = a.body(READ_MODE, t, 0, -1);
    a.readResult("read: SHOW");
    return t;
  }

  /**
   * MySQL's SHOW: catalog and settings are reads; what is about this session's last statements or
   * about the one server that answers (binary log, replication, threads, status counters, engine
   * internals) runs on the primary, where the session's writes are.
   */
  private static int showMysql(Analyzer a) {
    Lexer lx = a.lx;
    int t = lx.next();
    while (isAny(a, "full", "global", "session", "all")) {
      t = lx.next();
    }
    int k = a.keyword();
    if (k == Keywords.WARNINGS
        || k == Keywords.ERRORS
        || k == Keywords.COUNT
        || k == Keywords.PROFILE
        || k == Keywords.PROFILES) {
      return other(a, WRITE, "SHOW about this session's last statements", lx.next());
    }
    if (k == Keywords.EXPLAIN
        || k == Keywords.ANALYZE
        || isAny(
            a,
            "master",
            "binary",
            "binlog",
            "relaylog",
            "slave",
            "slaves",
            "replica",
            "replicas",
            "processlist",
            "status",
            "engine",
            "open")) {
      return other(a, WRITE, "SHOW about one server: runs on the primary", lx.next());
    }
    return show(a, t);
  }

  /** A non-read whose body only matters for session-pinning calls. */
  static int other(Analyzer a, StatementKind kind, String why, int t) {
    t = a.body(CALL_MODE, t, 0, -1);
    a.otherResult(kind, why);
    return t;
  }

  /** SELECT / WITH / VALUES / TABLE, possibly after opening parentheses. */
  private static int read(Analyzer a, int t, String why) {
    int depth = 0;
    while (t == LPAREN) {
      depth++;
      t = a.lx.next();
    }
    int k = a.keyword();
    if (k != Keywords.SELECT && k != Keywords.WITH && k != Keywords.VALUES && k != Keywords.TABLE) {
      return other(a, WRITE, "unrecognized statement", t);
    }
    t = a.body(READ_MODE, a.lx.next(), depth, k);
    a.readResult(why != null ? why : readReason(k));
    return t;
  }

  private static String readReason(int k) {
    if (k == Keywords.SELECT) {
      return "read: SELECT";
    } else if (k == Keywords.WITH) {
      return "read: WITH";
    } else if (k == Keywords.VALUES) {
      return "read: VALUES";
    }
    return "read: TABLE";
  }

  private static final String[] EXPLAIN_OPTIONS = {"verbose", "extended", "partitions"};

  private static int explain(Analyzer a) {
    Lexer lx = a.lx;
    boolean analyze = false;
    int t = lx.next();
    if (t == LPAREN) {
      for (int depth = 1; depth > 0; ) {
        t = lx.next();
        if (t == EOF || t == SEMI || t == ERROR) {
          return other(a, WRITE, "unrecognized EXPLAIN", t);
        }
        depth += t == LPAREN ? 1 : t == RPAREN ? -1 : 0;
        int k = a.keyword();
        analyze |= k == Keywords.ANALYZE || k == Keywords.ANALYSE;
      }
      t = lx.next();
    }
    for (; t == WORD; t = lx.next()) {
      int k = a.keyword();
      if (k == Keywords.ANALYZE || k == Keywords.ANALYSE) {
        analyze = true;
      } else if (a.mysql
          && a.lx.end - a.lx.start == 6
          && a.sql.regionMatches(true, lx.start, "format", 0, 6)) {
        lx.next(); // =
        lx.next(); // JSON, TREE, TRADITIONAL
      } else if (!isExplainOption(a)) {
        break;
      }
    }
    int k = a.keyword();
    if (t == LPAREN
        || k == Keywords.SELECT
        || k == Keywords.WITH
        || k == Keywords.VALUES
        || k == Keywords.TABLE) {
      t = read(a, t, "read: EXPLAIN");
      if (a.kind != StatementKind.READ && analyze) {
        a.result(a.kind, "EXPLAIN ANALYZE executes: " + a.reason);
      }
      return t;
    }
    if (a.mysql && t == Lexer.WORD && k < 0 || a.mysql && t == Lexer.QUOTED) {
      t = a.body(READ_MODE, lx.next(), 0, -1);
      a.readResult("read: DESCRIBE");
      return t;
    }
    String what = k >= 0 ? Keywords.upper(k) : "statement";
    return other(
        a,
        WRITE,
        analyze ? "EXPLAIN ANALYZE executes " + what : "EXPLAIN of a non-read " + what,
        t == EOF || t == SEMI ? t : lx.next());
  }

  private static boolean isExplainOption(Analyzer a) {
    for (String o : EXPLAIN_OPTIONS) {
      if (a.lx.end - a.lx.start == o.length()
          && a.sql.regionMatches(true, a.lx.start, o, 0, o.length())) {
        return true;
      }
    }
    return false;
  }

  private static int begin(Analyzer a, int head) {
    Lexer lx = a.lx;
    int t = lx.next();
    int k = a.keyword();
    if (head == Keywords.START && k != Keywords.TRANSACTION) {
      return other(a, WRITE, "write: START", t);
    }
    if (a.mysql && head == Keywords.BEGIN && k == Keywords.NOT) {
      return other(a, WRITE, "anonymous block BEGIN NOT ATOMIC", t);
    }
    boolean readOnly = false;
    boolean readWrite = false;
    int prev = -1;
    for (; t != EOF && t != SEMI && t != ERROR; t = lx.next()) {
      k = a.keyword();
      readOnly |= prev == Keywords.READ && k == Keywords.ONLY;
      readWrite |= prev == Keywords.READ && k == Keywords.WRITE;
      if (isAny(a, "isolation")) {
        a.flags |= Classification.ISOLATION;
      } else if (isAny(a, "serializable")) {
        a.flags |= Classification.SERIALIZABLE;
      }
      prev = k;
    }
    String name = head == Keywords.BEGIN ? "BEGIN" : "START TRANSACTION";
    if (readOnly && !readWrite) {
      a.result(BEGIN_READ_ONLY, name + " READ ONLY");
    } else {
      a.result(BEGIN, name);
    }
    return t;
  }

  private static int end(Analyzer a, int head) {
    Lexer lx = a.lx;
    boolean chain = false;
    boolean toSavepoint = false;
    boolean prepared = false;
    int prev = -1;
    int t;
    for (t = lx.next(); t != EOF && t != SEMI && t != ERROR; t = lx.next()) {
      int k = a.keyword();
      chain |= prev == Keywords.AND && k == Keywords.CHAIN;
      toSavepoint |= k == Keywords.TO;
      prepared |= k == Keywords.PREPARED;
      prev = k;
    }
    String name = Keywords.upper(head);
    if (!prepared && !toSavepoint && !chain && head != Keywords.COMMIT && head != Keywords.END) {
      a.flags |= Classification.ROLLBACK;
    }
    if (chain && !prepared && !toSavepoint && head != Keywords.COMMIT) {
      // ROLLBACK AND CHAIN: a new transaction, nothing committed.
      a.flags |= Classification.ROLLBACK;
    }
    if (chain && !prepared && !toSavepoint) {
      a.flags |= Classification.CHAIN;
    }
    if (prepared) {
      a.result(WRITE, name + " PREPARED (two-phase commit)");
    } else if (toSavepoint) {
      a.result(TRANSACTION_SCOPED, "ROLLBACK TO SAVEPOINT");
    } else if (chain) {
      a.result(BEGIN, name + " AND CHAIN starts a new transaction");
    } else {
      a.result(END_TRANSACTION, name);
    }
    return t;
  }

  private static int declare(Analyzer a) {
    Lexer lx = a.lx;
    boolean hold = false;
    int prev = -1;
    int t;
    for (t = lx.next(); t != EOF && t != SEMI && t != ERROR; t = lx.next()) {
      int k = a.keyword();
      if (k == Keywords.FOR) {
        break;
      }
      hold |= prev == Keywords.WITH && k == Keywords.HOLD;
      prev = k;
    }
    return hold
        ? other(a, SESSION_PINNING, "DECLARE ... WITH HOLD cursor outlives the transaction", t)
        : other(a, TRANSACTION_SCOPED, "DECLARE cursor", t);
  }

  private static int create(Analyzer a) {
    Lexer lx = a.lx;
    int t = lx.next();
    for (; t == WORD; t = lx.next()) {
      int k = a.keyword();
      if (k == Keywords.TEMP || k == Keywords.TEMPORARY) {
        return other(a, SESSION_PINNING, "CREATE TEMPORARY object", lx.next());
      }
      if (k == Keywords.TABLE || isAny(a, "view", "sequence")) {
        t = lx.next();
        while (isAny(a, "if", "not", "exists")) {
          t = lx.next();
        }
        if (t == WORD
            && lx.end - lx.start == 7
            && a.sql.regionMatches(true, lx.start, "pg_temp", 0, 7)) {
          return other(
              a, SESSION_PINNING, "CREATE in pg_temp creates a temporary object", lx.next());
        }
        break;
      }
      if (k != Keywords.LOCAL && !isAny(a, "or", "replace", "global", "unlogged")) {
        break;
      }
    }
    if (a.mysql) {
      a.flags |= Classification.IMPLICIT_COMMIT;
    }
    return other(a, WRITE, "write: CREATE", t);
  }

  static boolean isAny(Analyzer a, String... lowerWords) {
    Lexer lx = a.lx;
    for (String w : lowerWords) {
      if (lx.type == WORD
          && lx.end - lx.start == w.length()
          && a.sql.regionMatches(true, lx.start, w, 0, w.length())) {
        return true;
      }
    }
    return false;
  }

  static boolean isUserVar(Analyzer a) {
    return a.lx.type == USERVAR;
  }
}
