package dev.lagwise.routing;

import static dev.lagwise.routing.Analyzer.SET_MODE;
import static dev.lagwise.routing.StatementKind.SESSION_PINNING;
import static dev.lagwise.routing.StatementKind.SESSION_REPLAYABLE;
import static dev.lagwise.routing.StatementKind.TRANSACTION_SCOPED;
import static dev.lagwise.routing.StatementKind.WRITE;

/**
 * {@code SET}: replayable session settings, transaction-scoped ones, and those that cannot be
 * replayed (roles, MySQL user variables) or are not about the session at all (MySQL GLOBAL).
 */
final class SetStatements {
  private SetStatements() {}

  static int postgresql(Analyzer a) {
    Lexer lx = a.lx;
    int t = lx.next();
    int k = a.keyword();
    if (k == Keywords.LOCAL) {
      return Heads.other(a, TRANSACTION_SCOPED, "SET LOCAL", lx.next());
    }
    if (k == Keywords.TRANSACTION || k == Keywords.CONSTRAINTS) {
      return Heads.other(a, TRANSACTION_SCOPED, "SET " + Keywords.upper(k), lx.next());
    }
    if (k == Keywords.ROLE) {
      return Heads.other(a, SESSION_PINNING, "SET ROLE", lx.next());
    }
    String why = "SET";
    if (k == Keywords.SESSION) {
      t = lx.next();
      k = a.keyword();
      if (k == Keywords.AUTHORIZATION || k == Keywords.ROLE) {
        return Heads.other(a, SESSION_PINNING, "SET SESSION " + Keywords.upper(k), lx.next());
      }
      why = k == Keywords.CHARACTERISTICS ? "SET SESSION CHARACTERISTICS" : "SET SESSION";
    }
    t = a.body(SET_MODE, t, 0, -1);
    a.otherResult(SESSION_REPLAYABLE, why);
    return t;
  }

  static int mysql(Analyzer a) {
    Lexer lx = a.lx;
    a.setGlobal = false;
    a.setComma = false;
    int t = lx.next();
    int k = a.keyword();
    if (k == Keywords.TRANSACTION) {
      return Heads.other(a, TRANSACTION_SCOPED, "SET TRANSACTION (next transaction)", lx.next());
    }
    if (k == Keywords.ROLE) {
      return Heads.other(a, SESSION_PINNING, "SET ROLE", lx.next());
    }
    if (k == Keywords.PASSWORD) {
      a.flags |= Classification.IMPLICIT_COMMIT; // it changes the mysql schema
    }
    if (k == Keywords.PASSWORD
        || k == Keywords.DEFAULT
        || k == Keywords.STATEMENT
        || Heads.isAny(a, "resource")) {
      return Heads.other(
          a, WRITE, "write: SET " + Keywords.upperOr(k, "RESOURCE GROUP"), lx.next());
    }
    String why = "SET";
    if (k == Keywords.SESSION || k == Keywords.LOCAL) {
      t = lx.next();
      if (a.keyword() == Keywords.TRANSACTION) {
        return Heads.other(a, SESSION_REPLAYABLE, "SET SESSION TRANSACTION", lx.next());
      }
      why = "SET SESSION";
    } else if (Heads.isAny(a, "names", "charset", "character")) {
      why = "SET NAMES";
    }
    t = a.body(SET_MODE, t, 0, -1);
    if (a.kindOfFinding() == SESSION_PINNING) {
      a.otherResult(SESSION_PINNING, null);
    } else if (a.setGlobal) {
      a.result(
          a.setComma ? SESSION_PINNING : WRITE,
          a.setComma ? "SET GLOBAL together with other assignments" : "SET GLOBAL");
    } else {
      a.otherResult(SESSION_REPLAYABLE, why);
    }
    return t;
  }
}
