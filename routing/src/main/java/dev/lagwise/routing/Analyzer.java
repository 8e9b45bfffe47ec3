package dev.lagwise.routing;

import static dev.lagwise.routing.Lexer.ASSIGN;
import static dev.lagwise.routing.Lexer.COMMA;
import static dev.lagwise.routing.Lexer.DCOLON;
import static dev.lagwise.routing.Lexer.DOT;
import static dev.lagwise.routing.Lexer.EOF;
import static dev.lagwise.routing.Lexer.ERROR;
import static dev.lagwise.routing.Lexer.LPAREN;
import static dev.lagwise.routing.Lexer.QUOTED;
import static dev.lagwise.routing.Lexer.RPAREN;
import static dev.lagwise.routing.Lexer.SEMI;
import static dev.lagwise.routing.Lexer.STRING;
import static dev.lagwise.routing.Lexer.SYSVAR;
import static dev.lagwise.routing.Lexer.USERVAR;
import static dev.lagwise.routing.Lexer.WORD;

import java.util.Locale;

/**
 * Classifies the statements of one SQL string from the {@link Lexer}'s tokens: the first words of
 * each statement decide its kind ({@link Heads}), and the rest of a read is checked for anything
 * that makes it not a read ({@link #body}). Single use, not thread-safe.
 */
final class Analyzer {
  static final int READ_MODE = 0;
  static final int CALL_MODE = 1;
  static final int SET_MODE = 2;

  private static final int NONE = 0;
  private static final int FOUND_WRITE = 1;
  private static final int FOUND_PIN = 2;

  final Lexer lx;
  final String sql;
  final boolean mysql;
  private final NameTable builtins;
  private final NameTable pinning;
  private final NameTable user;

  /** Result of the current statement. */
  StatementKind kind;

  String reason;

  /** The worst thing found in the current statement's body, and why. */
  int finding;

  String findingReason;

  /** {@link Classification} flags of every statement of the string, or-ed. */
  int flags;

  /** MySQL SET: a global change, and a top-level comma (several assignments). */
  boolean setGlobal;

  boolean setComma;

  Analyzer(
      String sql,
      boolean mysql,
      boolean altBackslash,
      boolean execAsComment,
      SqlClassifier classifier) {
    this.lx = new Lexer(sql, mysql, altBackslash, execAsComment);
    this.sql = sql;
    this.mysql = mysql;
    this.builtins = mysql ? FunctionSets.MYSQL : FunctionSets.POSTGRESQL;
    this.pinning = mysql ? FunctionSets.MYSQL_PINNING : FunctionSets.PG_PINNING;
    this.user = classifier.userFunctions();
  }

  /** Classifies the whole string; the result is in {@link #kind} and {@link #reason}. */
  void run() {
    int count = 0;
    boolean allRead = true;
    boolean control = false;
    StatementKind firstKind = null;
    String firstReason = null;
    int t = lx.next();
    for (; ; t = lx.next()) {
      if (t == SEMI) {
        continue;
      }
      if (t == EOF) {
        break;
      }
      if (t != ERROR) {
        t = Heads.statement(this, t);
      }
      if (t == ERROR) {
        result(StatementKind.WRITE, lx.error);
        return;
      }
      count++;
      if (count == 1) {
        firstKind = kind;
        firstReason = reason;
      }
      allRead &= kind == StatementKind.READ;
      control |= kind != StatementKind.READ && kind != StatementKind.WRITE;
      if (t == EOF) {
        break;
      }
    }
    if (count == 0) {
      result(StatementKind.WRITE, "empty statement");
    } else if (count == 1) {
      result(firstKind, firstReason);
    } else if (allRead) {
      result(StatementKind.READ, "read: multiple statements");
    } else if (control) {
      flags |= Classification.MULTI_CONTROL;
      result(
          StatementKind.SESSION_PINNING, "multiple statements with session or transaction control");
    } else {
      result(StatementKind.WRITE, "multiple statements");
    }
    if (kind == StatementKind.READ && lx.execCommentSeen) {
      result(StatementKind.WRITE, "MySQL executable comment /*! */");
    }
  }

  void result(StatementKind k, String r) {
    kind = k;
    reason = r;
  }

  void find(int severity, String why) {
    if (severity > finding) {
      finding = severity;
      findingReason = why;
    }
  }

  int keyword() {
    // No keyword is a single letter: skip the lookup for the usual one-letter aliases.
    return lx.type == WORD && lx.end - lx.start > 1
        ? Keywords.id(lx.buf, lx.start, lx.end, lx.hash)
        : -1;
  }

  String text() {
    return sql.substring(lx.start, lx.end);
  }

  /**
   * Scans tokens from {@code t} to the end of the statement and returns the token that ended it
   * ({@link Lexer#SEMI}, {@link Lexer#EOF} or {@link Lexer#ERROR}). In {@link #READ_MODE} every
   * construct that makes a read unsafe is a finding; in the other modes only session-pinning calls
   * (and, for MySQL {@code SET}, variables and scope) are.
   */
  int body(int mode, int t, int depth, int headKw) {
    finding = NONE;
    findingReason = null;
    // Bit d: depth d is inside a WITH list, where "name (" is a CTE column list, not a call.
    long withMask = headKw == Keywords.WITH && depth < 64 ? 1L << depth : 0;
    // Bit d: the parenthesis at depth d is OPERATOR(...), whose ")" ends no expression.
    long operatorMask = 0;
    int prevTok = WORD;
    int prevKw = headKw;
    boolean intoPending = false;
    // The pending name: a word or quoted name whose meaning depends on the next token.
    boolean pending = false;
    int nStart = 0;
    int nEnd = 0;
    int nKw = -1;
    int nHash = 0;
    boolean nQuoted = false;
    boolean nEscaped = false;
    boolean qualified = false;
    int qStart = 0;
    int qEnd = 0;
    boolean qEscaped = false;
    boolean notCall = false;
    for (; ; t = lx.next()) {
      if (pending) {
        if (t == DOT) {
          qualified = true;
          qStart = nStart;
          qEnd = nEnd;
          qEscaped = nEscaped || (nQuoted && mysql);
          pending = false;
          prevTok = DOT;
          prevKw = -1;
          continue;
        }
        pending = false;
        if (t == LPAREN) {
          boolean withList = depth < 64 && (withMask & (1L << depth)) != 0;
          if (!notCall && !withList) {
            call(
                mode, nStart, nEnd, nKw, nHash, nQuoted, nEscaped, qualified, qStart, qEnd,
                qEscaped);
          }
          if (!qualified && !nQuoted && depth < 63 && isOperatorWord(nStart, nEnd)) {
            operatorMask |= 1L << (depth + 1);
          }
        } else if (mode == READ_MODE && !qualified && nKw >= 0) {
          readKeyword(nKw, prevKw, depth);
        }
        if (!qualified && nKw >= 0) {
          if (nKw == Keywords.WITH && depth < 64 && prevTok == LPAREN) {
            withMask |= 1L << depth; // WITH starting a subquery, not WITH ORDINALITY / TIME ZONE
          } else if (isMainVerb(nKw) && depth < 64) {
            withMask &= ~(1L << depth);
          } else if (nKw == Keywords.INTO
              && mode == READ_MODE
              && prevKw != Keywords.INSERT
              && prevKw != Keywords.MERGE) {
            intoPending = true;
          }
        }
        prevTok = nQuoted ? QUOTED : WORD;
        prevKw = qualified ? -1 : nKw;
        qualified = false;
      }
      if (intoPending && !(t == WORD && (keyword() == Keywords.LOCAL || isWord("global")))) {
        intoPending = false;
        int k = keyword();
        if (t == USERVAR) {
          find(FOUND_PIN, "SELECT INTO @variable");
        } else if (k == Keywords.TEMP || k == Keywords.TEMPORARY) {
          find(FOUND_PIN, "SELECT INTO TEMP creates a temporary table");
        } else if (k == Keywords.OUTFILE) {
          find(FOUND_WRITE, "SELECT INTO OUTFILE writes a file on the server");
        } else if (k == Keywords.DUMPFILE) {
          find(FOUND_WRITE, "SELECT INTO DUMPFILE writes a file on the server");
        } else {
          find(FOUND_WRITE, "SELECT INTO");
        }
      }
      switch (t) {
        case EOF, SEMI, ERROR -> {
          return t;
        }
        case WORD, QUOTED -> {
          int k = prevTok == DOT ? -1 : keyword(); // after a dot: a column or function name
          if (prevTok != DOT || !qualified) {
            notCall = startsNonCall(prevTok, prevKw, k);
            qualified = false;
          }
          pending = true;
          nStart = lx.start;
          nEnd = lx.end;
          nKw = k;
          nHash = lx.hash;
          nQuoted = t == QUOTED;
          nEscaped = t == QUOTED && lx.escaped;
          if (mysql
              && mode == READ_MODE
              && prevTok == DOT
              && t == WORD
              && (isWord("nextval") || isWord("currval"))) {
            // MariaDB's Oracle mode: seq.nextval advances the sequence, seq.currval is this
            // session's last value. A column of that name is taken for one: the safe side.
            find(FOUND_WRITE, "sequence " + text().toUpperCase(Locale.ROOT) + " (Oracle mode)");
          }
          if (t == WORD && endsWithIsolation(lx.start, lx.end)) {
            flags |= Classification.ISOLATION;
          } else if (t == WORD && isWord(lx.start, lx.end, "serializable")) {
            flags |= Classification.SERIALIZABLE;
          }
          if (mode == SET_MODE && mysql && depth == 0 && prevTok != DOT) {
            if (k == Keywords.GLOBAL || k == Keywords.PERSIST || k == Keywords.PERSIST_ONLY) {
              setGlobal = true;
            } else if (k == Keywords.AUTOCOMMIT) {
              find(FOUND_PIN, "SET autocommit changes the transaction mode");
              flags |= Classification.AUTOCOMMIT;
            }
          }
          continue;
        }
        case LPAREN -> {
          if (prevTok == RPAREN && depth < 64) {
            withMask &= ~(1L << depth); // "WITH ... ) (SELECT": the main query has begun
          }
          depth++;
        }
        case RPAREN -> {
          if (depth > 0) {
            boolean operator = depth < 64 && (operatorMask & (1L << depth)) != 0;
            if (depth < 64) {
              withMask &= ~(1L << depth);
              operatorMask &= ~(1L << depth);
            }
            depth--;
            if (operator) {
              prevTok = Lexer.OP; // OPERATOR(schema.+) is an operator: an operand follows
              prevKw = -1;
              continue;
            }
          }
        }
        case COMMA -> {
          if (depth == 0) {
            setComma = true;
          }
        }
        case USERVAR -> {
          if (mode == SET_MODE) {
            find(FOUND_PIN, "SET @user_variable");
          }
        }
        case ASSIGN -> {
          if (mysql && prevTok == USERVAR) {
            find(FOUND_PIN, "assignment to a user variable");
          }
        }
        case SYSVAR -> sysvar(mode);
        default -> {}
      }
      prevTok = t;
      prevKw = -1;
    }
  }

  /** ISOLATION, transaction_isolation, tx_isolation, default_transaction_isolation. */
  private boolean endsWithIsolation(int s, int e) {
    return e - s >= 9 && sql.regionMatches(true, e - 9, "isolation", 0, 9);
  }

  private boolean isWord(int s, int e, String lower) {
    return e - s == lower.length() && sql.regionMatches(true, s, lower, 0, lower.length());
  }

  private boolean isOperatorWord(int s, int e) {
    return !mysql && e - s == 8 && sql.regionMatches(true, s, "operator", 0, 8);
  }

  private boolean isWord(String lower) {
    return lx.type == WORD
        && lx.end - lx.start == lower.length()
        && sql.regionMatches(true, lx.start, lower, 0, lower.length());
  }

  private static boolean isMainVerb(int k) {
    return k == Keywords.SELECT
        || k == Keywords.VALUES
        || k == Keywords.TABLE
        || k == Keywords.INSERT
        || k == Keywords.UPDATE
        || k == Keywords.DELETE
        || k == Keywords.MERGE;
  }

  /** Decided when a name starts: contexts in which {@code name (} is not a function call. */
  private static boolean startsNonCall(int prevTok, int prevKw, int k) {
    if (prevTok == DCOLON || prevTok == RPAREN || prevTok == STRING) {
      return true; // type modifier, alias column list, json_table COLUMNS after a path
    }
    if (prevKw == Keywords.AS || prevKw == Keywords.TABLESAMPLE) {
      return true; // alias column list or cast target type; sampling method
    }
    if (k == Keywords.SETS) {
      return prevKw == Keywords.GROUPING;
    }
    if (k == Keywords.CUBE || k == Keywords.ROLLUP) {
      return prevKw == Keywords.BY;
    }
    if (k == Keywords.VARYING) {
      return prevKw == Keywords.CHARACTER
          || prevKw == Keywords.CHAR
          || prevKw == Keywords.BIT
          || prevKw == Keywords.NATIONAL;
    }
    if (k == Keywords.JOIN) {
      // After a table name, alias or join type. Any keyword that might start an expression keeps
      // "join(" a call (and an unknown function is unsafe).
      return prevTok == QUOTED
          || prevTok == WORD && (prevKw < 0 || (Keywords.flags(prevKw) & Keywords.JOIN_TYPE) != 0);
    }
    return false;
  }

  private void readKeyword(int k, int prevKw, int depth) {
    if (prevKw == Keywords.FOR) {
      if (k == Keywords.UPDATE) {
        find(FOUND_WRITE, "locking clause FOR UPDATE");
      } else if (k == Keywords.SHARE) {
        find(FOUND_WRITE, "locking clause FOR SHARE");
      } else if (k == Keywords.NO) {
        find(FOUND_WRITE, "locking clause FOR NO KEY UPDATE");
      } else if (k == Keywords.KEY) {
        find(FOUND_WRITE, "locking clause FOR KEY SHARE");
      }
    } else if (prevKw == Keywords.LOCK && k == Keywords.IN) {
      find(FOUND_WRITE, "locking clause LOCK IN SHARE MODE");
    } else if (prevKw == Keywords.NEXT && k == Keywords.VALUE) {
      find(FOUND_WRITE, "sequence NEXT VALUE FOR");
    } else if (prevKw == Keywords.PREVIOUS && k == Keywords.VALUE) {
      find(FOUND_WRITE, "sequence PREVIOUS VALUE FOR");
    } else if (k == Keywords.SQL_CALC_FOUND_ROWS && mysql) {
      find(FOUND_WRITE, "SQL_CALC_FOUND_ROWS (FOUND_ROWS() runs on the primary)");
    }
    if (k == Keywords.INSERT
        || k == Keywords.DELETE
        || k == Keywords.MERGE
        || k == Keywords.UPDATE && prevKw != Keywords.FOR && prevKw != Keywords.KEY) {
      find(FOUND_WRITE, (depth == 0 ? "write: " : "data-modifying CTE ") + Keywords.upper(k));
    }
  }

  private void call(
      int mode,
      int ns,
      int ne,
      int k,
      int hash,
      boolean quoted,
      boolean escaped,
      boolean qualified,
      int qs,
      int qe,
      boolean qEscaped) {
    if (!qualified && k >= 0) {
      if (!mysql
          && mode == READ_MODE
          && (k == Keywords.INSERT
              || k == Keywords.UPDATE
              || k == Keywords.DELETE
              || k == Keywords.MERGE)) {
        find(FOUND_WRITE, "data-modifying CTE " + Keywords.upper(k));
        return;
      }
      if ((Keywords.flags(k) & (mysql ? Keywords.NOT_CALL_MY : Keywords.NOT_CALL_PG)) != 0) {
        return;
      }
    }
    boolean exact = quoted && !mysql;
    char[] buf = lx.buf;
    int folded = quoted ? NameTable.hash(buf, ns, ne, false) : hash;
    int h = exact ? NameTable.hash(buf, ns, ne, true) : folded;
    boolean builtinScope =
        !qualified
            || !mysql
                && !qEscaped
                && qe - qs == 10
                && sql.regionMatches(true, qs, "pg_catalog", 0, 10);
    if (builtinScope && !escaped && pinning.contains(buf, ns, ne, exact, h)) {
      find(FOUND_PIN, "session state or lock: " + sql.substring(ns, ne).toLowerCase(Locale.ROOT));
      return;
    }
    if (mode == CALL_MODE) {
      return;
    }
    boolean safe =
        !escaped
            && (builtinScope && builtins.contains(buf, ns, ne, exact, h)
                || user.size() > 0 && user.contains(buf, ns, ne, false, folded)
                || qualified
                    && !qEscaped
                    && user.size() > 0
                    && user.containsQualified(buf, qs, qe, ns, ne));
    if (!safe) {
      String name = qualified ? sql.substring(qs, qe) + "." + sql.substring(ns, ne) : text(ns, ne);
      if (mode == SET_MODE) {
        find(FOUND_PIN, "SET calls function " + name);
      } else {
        find(FOUND_WRITE, "unsafe function " + name);
        if (!mysql) {
          flags |= Classification.CALLS_FUNCTION;
        }
      }
    }
  }

  private String text(int s, int e) {
    return sql.substring(s, e);
  }

  private static final String[] SESSION_SYSVARS = {
    "identity", "last_insert_id", "insert_id", "last_gtid", "warning_count", "error_count"
  };

  private void sysvar(int mode) {
    int s = lx.start;
    int e = lx.end;
    int dot = sql.lastIndexOf('.', e - 1);
    int name = dot >= s ? dot + 1 : s;
    if (endsWithIsolation(name, e)) {
      flags |= Classification.ISOLATION;
    }
    if (mode == SET_MODE) {
      if (e - name == 10 && sql.regionMatches(true, name, "autocommit", 0, 10)) {
        find(FOUND_PIN, "SET autocommit changes the transaction mode");
        flags |= Classification.AUTOCOMMIT;
      }
      if (dot >= s
          && !sql.regionMatches(true, s, "session.", 0, 8)
          && !sql.regionMatches(true, s, "local.", 0, 6)) {
        setGlobal = true;
      }
      return;
    }
    if (name == e) {
      find(FOUND_WRITE, "unrecognized system variable");
      return;
    }
    for (String v : SESSION_SYSVARS) {
      if (e - name == v.length() && sql.regionMatches(true, name, v, 0, v.length())) {
        find(FOUND_WRITE, "session-specific variable @@" + v);
        return;
      }
    }
  }

  /** Combines a head decision for a read with its body findings. */
  void readResult(String readReason) {
    if (finding == FOUND_PIN) {
      result(StatementKind.SESSION_PINNING, findingReason);
    } else if (finding == FOUND_WRITE) {
      result(StatementKind.WRITE, findingReason);
    } else {
      result(StatementKind.READ, readReason);
    }
  }

  /** Combines a head decision for a non-read with its body findings: pinning wins. */
  void otherResult(StatementKind k, String why) {
    if (finding == FOUND_PIN) {
      result(StatementKind.SESSION_PINNING, findingReason);
    } else {
      result(k, why);
    }
  }

  /** SESSION_PINNING or WRITE for the body's worst finding, or null. */
  StatementKind kindOfFinding() {
    return finding == FOUND_PIN
        ? StatementKind.SESSION_PINNING
        : finding == FOUND_WRITE ? StatementKind.WRITE : null;
  }
}
