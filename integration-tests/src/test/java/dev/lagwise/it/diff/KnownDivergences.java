package dev.lagwise.it.diff;

import static dev.lagwise.it.diff.Kind.AUTOCOMMIT_OFF;
import static dev.lagwise.it.diff.Kind.AUTOCOMMIT_ON;
import static dev.lagwise.it.diff.Kind.COUNT;
import static dev.lagwise.it.diff.Kind.INSERT;
import static dev.lagwise.it.diff.Kind.PS_BATCH;
import static dev.lagwise.it.diff.Kind.PS_COUNT;
import static dev.lagwise.it.diff.Kind.PS_INSERT;
import static dev.lagwise.it.diff.Kind.PS_SELECT_BY_ID;
import static dev.lagwise.it.diff.Kind.PS_UPDATE;
import static dev.lagwise.it.diff.Kind.READ_ONLY_ON;
import static dev.lagwise.it.diff.Kind.RS_DELETE_ROW;
import static dev.lagwise.it.diff.Kind.RS_INSERT_ROW;
import static dev.lagwise.it.diff.Kind.RS_UPDATE_ROW;
import static dev.lagwise.it.diff.Kind.SELECT_ALL;
import static dev.lagwise.it.diff.Kind.SELECT_BY_ID;
import static dev.lagwise.it.diff.Kind.SQL_COMMIT_AND_CHAIN;
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

  private static final Set<Kind> READS =
      EnumSet.of(SELECT_ALL, SELECT_BY_ID, COUNT, PS_SELECT_BY_ID, PS_COUNT);

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
          RS_DELETE_ROW);

  static final List<Known> POSTGRES =
      List.of(
          new Known(
              "COMMIT AND CHAIN after a failed write in a read-only transaction on a replica: the"
                  + " chained transaction stays on the replica, where writes fail",
              List.of(
                  EnumSet.of(SQL_START_TRANSACTION_READ_ONLY),
                  WRITES,
                  EnumSet.of(SQL_COMMIT_AND_CHAIN),
                  WRITES),
              List.of(
                  op(SQL_START_TRANSACTION_READ_ONLY),
                  op(RS_UPDATE_ROW, 0),
                  op(SQL_COMMIT_AND_CHAIN),
                  op(PS_BATCH, 0))));

  static final List<Known> MARIADB =
      List.of(
          new Known(
              "Connector/J does not enforce setReadOnly(true) (unless assureReadOnly=true): a"
                  + " write in a read-only transaction that began with a read on a replica fails"
                  + " there",
              List.of(EnumSet.of(READ_ONLY_ON), EnumSet.of(AUTOCOMMIT_OFF), READS, WRITES),
              List.of(op(READ_ONLY_ON), op(AUTOCOMMIT_OFF), op(COUNT), op(UPDATE, 0))),
          new Known(
              "START TRANSACTION READ ONLY, then setAutoCommit(false) and (true): Connector/J alone"
                  + " keeps the read-only transaction open, Lagwise's replica commits it",
              List.of(
                  EnumSet.of(SQL_START_TRANSACTION_READ_ONLY),
                  EnumSet.of(AUTOCOMMIT_OFF),
                  EnumSet.of(AUTOCOMMIT_ON),
                  WRITES),
              List.of(
                  op(SQL_START_TRANSACTION_READ_ONLY),
                  op(AUTOCOMMIT_OFF),
                  op(AUTOCOMMIT_ON),
                  op(PS_INSERT, 1))));
}
