package dev.lagwise.it.diff;

import static dev.lagwise.it.diff.Kind.AUTOCOMMIT_OFF;
import static dev.lagwise.it.diff.Kind.AUTOCOMMIT_ON;
import static dev.lagwise.it.diff.Kind.INSERT;
import static dev.lagwise.it.diff.Kind.PS_BATCH;
import static dev.lagwise.it.diff.Kind.PS_INSERT;
import static dev.lagwise.it.diff.Kind.PS_UPDATE;
import static dev.lagwise.it.diff.Kind.READ_ONLY_ON;
import static dev.lagwise.it.diff.Kind.RS_DELETE_ROW;
import static dev.lagwise.it.diff.Kind.RS_INSERT_ROW;
import static dev.lagwise.it.diff.Kind.RS_UPDATE_ROW;
import static dev.lagwise.it.diff.Kind.SQL_COMMIT_AND_CHAIN;
import static dev.lagwise.it.diff.Kind.SQL_SET_AUTOCOMMIT;
import static dev.lagwise.it.diff.Kind.SQL_START_TRANSACTION_READ_ONLY;
import static dev.lagwise.it.diff.Kind.STATEMENT_BATCH;
import static dev.lagwise.it.diff.Kind.UPDATE;
import static dev.lagwise.it.diff.Op.op;

import dev.lagwise.testkit.Engine;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Divergences from the vendor driver that Lagwise accepts, each a consequence of running a
 * read-only transaction on a replica, and each documented in docs/testing-differential.md. The
 * exploration does not report a sequence that contains one of these patterns (operation kinds in
 * order, each from a set); {@code DifferentialCasesTest} checks that each example still diverges,
 * so a fix shows up and the entry can go.
 */
final class KnownDivergences {

  /** One accepted divergence: why, the pattern that shows it, and its minimal example. */
  record Known(String why, List<Set<Kind>> pattern, List<Op> example) {

    boolean matches(List<Op> ops) {
      int j = 0;
      for (Op o : ops) {
        if (j < pattern.size() && pattern.get(j).contains(o.kind())) {
          j++;
        }
      }
      return j == pattern.size();
    }
  }

  private KnownDivergences() {}

  static List<Known> of(Engine engine) {
    return engine == Engine.POSTGRESQL ? POSTGRES : MARIADB;
  }

  private static final Set<Kind> WRITES =
      EnumSet.of(
          INSERT,
          UPDATE,
          Kind.DELETE,
          Kind.INSERT_DUPLICATE,
          PS_INSERT,
          PS_UPDATE,
          STATEMENT_BATCH,
          PS_BATCH,
          RS_UPDATE_ROW,
          RS_INSERT_ROW,
          RS_DELETE_ROW,
          Kind.MULTI_BEGIN_INSERT,
          Kind.MULTI_INSERT_COMMIT,
          Kind.CREATE_AUX,
          Kind.ALTER_AUX);

  /** Statements prepared once per connection (bound to the primary when they can only write). */
  private static final Set<Kind> BOUND = EnumSet.of(PS_INSERT, PS_UPDATE, PS_BATCH);

  private static final Set<Kind> READ_ONLY_START =
      EnumSet.of(SQL_START_TRANSACTION_READ_ONLY, READ_ONLY_ON);

  static final List<Known> POSTGRES =
      List.of(
          new Known(
              "COMMIT AND CHAIN after a failed statement in a read-only transaction on a replica:"
                  + " the chained transaction stays on the replica, where writes fail",
              List.of(READ_ONLY_START, EnumSet.of(SQL_COMMIT_AND_CHAIN), WRITES),
              List.of(
                  op(SQL_START_TRANSACTION_READ_ONLY),
                  op(RS_UPDATE_ROW, 0),
                  op(SQL_COMMIT_AND_CHAIN),
                  op(PS_BATCH, 0))),
          boundWriteInReplicaTransaction());

  /** Shared by both engines. */
  private static Known boundWriteInReplicaTransaction() {
    return new Known(
        "a write statement bound to the primary when prepared, run inside a read-only"
            + " transaction on a replica: refused (25006, not a BatchUpdateException) without"
            + " reaching the server, so that transaction is not aborted as the vendor's would be",
        List.of(BOUND, EnumSet.of(SQL_START_TRANSACTION_READ_ONLY, AUTOCOMMIT_OFF), BOUND),
        List.of(
            op(PS_BATCH, 2),
            op(SQL_START_TRANSACTION_READ_ONLY),
            op(PS_BATCH, 0),
            op(Kind.SELECT_ALL)));
  }

  static final List<Known> MARIADB =
      List.of(
          new Known(
              "Connector/J does not enforce setReadOnly(true) (unless assureReadOnly=true): a"
                  + " write in a read-only transaction that began with a read on a replica fails"
                  + " there",
              List.of(
                  EnumSet.of(READ_ONLY_ON), EnumSet.of(AUTOCOMMIT_OFF, SQL_SET_AUTOCOMMIT), WRITES),
              List.of(op(READ_ONLY_ON), op(AUTOCOMMIT_OFF), op(Kind.COUNT), op(UPDATE, 0))),
          new Known(
              "the same, read-only set after autocommit was switched off",
              List.of(
                  EnumSet.of(AUTOCOMMIT_OFF, SQL_SET_AUTOCOMMIT), EnumSet.of(READ_ONLY_ON), WRITES),
              List.of(op(AUTOCOMMIT_OFF), op(READ_ONLY_ON), op(Kind.SELECT_ALL), op(PS_INSERT, 0))),
          new Known(
              "START TRANSACTION READ ONLY ended by an autocommit change (setAutoCommit or SET"
                  + " autocommit): MariaDB keeps the session read-only for later statements,"
                  + " Lagwise's next write runs on the primary",
              List.of(
                  EnumSet.of(SQL_START_TRANSACTION_READ_ONLY),
                  EnumSet.of(AUTOCOMMIT_OFF, AUTOCOMMIT_ON, SQL_SET_AUTOCOMMIT),
                  WRITES),
              List.of(
                  op(SQL_START_TRANSACTION_READ_ONLY),
                  op(AUTOCOMMIT_OFF),
                  op(AUTOCOMMIT_ON),
                  op(PS_INSERT, 1))),
          boundWriteInReplicaTransaction());
}
