package dev.lagwise.it.diff;

import static dev.lagwise.it.diff.Kind.ALTER_AUX;
import static dev.lagwise.it.diff.Kind.AUTOCOMMIT_OFF;
import static dev.lagwise.it.diff.Kind.AUTOCOMMIT_ON;
import static dev.lagwise.it.diff.Kind.COMMIT;
import static dev.lagwise.it.diff.Kind.COUNT;
import static dev.lagwise.it.diff.Kind.CREATE_AUX;
import static dev.lagwise.it.diff.Kind.DELETE;
import static dev.lagwise.it.diff.Kind.DIV_ZERO;
import static dev.lagwise.it.diff.Kind.GET_SCHEMA;
import static dev.lagwise.it.diff.Kind.INSERT;
import static dev.lagwise.it.diff.Kind.INSERT_DUPLICATE;
import static dev.lagwise.it.diff.Kind.ISOLATION;
import static dev.lagwise.it.diff.Kind.MULTI_BEGIN_INSERT;
import static dev.lagwise.it.diff.Kind.MULTI_INSERT_COMMIT;
import static dev.lagwise.it.diff.Kind.PS_BATCH;
import static dev.lagwise.it.diff.Kind.PS_COUNT;
import static dev.lagwise.it.diff.Kind.PS_INSERT;
import static dev.lagwise.it.diff.Kind.PS_SELECT_BY_ID;
import static dev.lagwise.it.diff.Kind.PS_UPDATE;
import static dev.lagwise.it.diff.Kind.READ_ONLY_OFF;
import static dev.lagwise.it.diff.Kind.READ_ONLY_ON;
import static dev.lagwise.it.diff.Kind.REOPEN;
import static dev.lagwise.it.diff.Kind.ROLLBACK;
import static dev.lagwise.it.diff.Kind.RS_DELETE_ROW;
import static dev.lagwise.it.diff.Kind.RS_INSERT_ROW;
import static dev.lagwise.it.diff.Kind.RS_UPDATE_ROW;
import static dev.lagwise.it.diff.Kind.SELECT_ALL;
import static dev.lagwise.it.diff.Kind.SELECT_BY_ID;
import static dev.lagwise.it.diff.Kind.SET_SAVEPOINT;
import static dev.lagwise.it.diff.Kind.SET_SESSION;
import static dev.lagwise.it.diff.Kind.SHOW;
import static dev.lagwise.it.diff.Kind.SQL_BEGIN;
import static dev.lagwise.it.diff.Kind.SQL_COMMIT_AND_CHAIN;
import static dev.lagwise.it.diff.Kind.SQL_SET_AUTOCOMMIT;
import static dev.lagwise.it.diff.Kind.SQL_START_TRANSACTION;
import static dev.lagwise.it.diff.Kind.SQL_START_TRANSACTION_READ_ONLY;
import static dev.lagwise.it.diff.Kind.STATEMENT_BATCH;
import static dev.lagwise.it.diff.Kind.UPDATE;
import static dev.lagwise.it.diff.Op.op;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lagwise.it.diff.Differ.Comparison;
import dev.lagwise.it.diff.Differ.Mode;
import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Engine;
import dev.lagwise.testkit.ReplicatedCluster;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Minimal operation sequences found by the differential harness ({@link DiffPostgresTest}, {@link
 * DiffMariaDbTest}), each run through the same comparator: raw vendor JDBC on the primary against
 * Lagwise on the cluster must give the same outcomes. Every case is named after the divergence it
 * pinned when it was found; the comment above it says what each side did then.
 */
class DifferentialCasesTest {

  static Arguments when(String name, Mode mode, Op... ops) {
    return Arguments.of(name, mode, List.of(ops));
  }

  static void check(Cluster cluster, Mode mode, List<Op> ops) throws SQLException {
    try (Differ differ = new Differ(cluster, mode)) {
      Comparison c = differ.compare(ops);
      if (c.diverges()) {
        fail("Lagwise diverges from the vendor driver:\n" + differ.describe(c));
      }
    }
  }

  static Stream<Arguments> postgres() {
    return Stream.of(
        // The two bugs quoted in issue #7. 1: Lagwise's rollback() says "autoCommit is enabled"
        // (25P01) while getAutoCommit() is false, and the second row stays committed.
        when(
            "setAutoCommit(true) then (false): rollback() must undo the second insert",
            Mode.STREAMING,
            op(AUTOCOMMIT_OFF),
            op(INSERT, 1),
            op(AUTOCOMMIT_ON),
            op(AUTOCOMMIT_OFF),
            op(INSERT, 2),
            op(ROLLBACK)),
        // Same toggle: close() must roll the open transaction back; Lagwise commits the UPDATE.
        when(
            "setAutoCommit(true) then (false): close() must roll back the update",
            Mode.STREAMING,
            op(AUTOCOMMIT_OFF),
            op(SELECT_ALL),
            op(AUTOCOMMIT_ON),
            op(AUTOCOMMIT_OFF),
            op(UPDATE, 0)),
        // 2: after rollback() Lagwise's connection is still in the aborted transaction (25P02).
        when(
            "rollback() ends a transaction whose first statement failed",
            Mode.STREAMING,
            op(AUTOCOMMIT_OFF),
            op(DIV_ZERO),
            op(ROLLBACK),
            op(COUNT)),
        // Same with setAutoCommit(true) ending the failed transaction: Lagwise 25P02 afterwards.
        when(
            "setAutoCommit(true) ends a transaction whose statement failed",
            Mode.STREAMING,
            op(AUTOCOMMIT_OFF),
            op(INSERT_DUPLICATE),
            op(AUTOCOMMIT_ON),
            op(COUNT)),
        when(
            "rollback() ends a read-only transaction whose write was refused",
            Mode.STREAMING,
            op(READ_ONLY_ON),
            op(AUTOCOMMIT_OFF),
            op(PS_INSERT, 0),
            op(ROLLBACK),
            op(COUNT)),
        when(
            "commit() ends a transaction whose batch failed",
            Mode.PAUSED,
            op(AUTOCOMMIT_OFF),
            op(PS_BATCH, 1),
            op(COMMIT),
            op(COUNT)),
        // Vendor: ok. Lagwise: "Cannot rollback when autoCommit is enabled" (25P01) although
        // getAutoCommit() is false: setAutoCommit(false) inside an SQL-begun transaction.
        when(
            "BEGIN, setAutoCommit(false), rollback()",
            Mode.STREAMING,
            op(SQL_BEGIN),
            op(AUTOCOMMIT_OFF),
            op(ROLLBACK)),
        // Vendor: 25P02 (the transaction is aborted). Lagwise: count=0, the SET or START
        // TRANSACTION never reached the transaction's connection.
        when(
            "SET inside an aborted transaction fails",
            Mode.STREAMING,
            op(AUTOCOMMIT_OFF),
            op(READ_ONLY_ON),
            op(PS_UPDATE, 0),
            op(SET_SESSION, 0)),
        when(
            "START TRANSACTION inside an aborted transaction fails",
            Mode.STREAMING,
            op(AUTOCOMMIT_OFF),
            op(READ_ONLY_ON),
            op(INSERT, 0),
            op(SQL_START_TRANSACTION)),
        // Vendor: 25P02. Lagwise: rows, from a connection outside the transaction.
        when(
            "SHOW inside an aborted transaction fails",
            Mode.PAUSED,
            op(AUTOCOMMIT_OFF),
            op(READ_ONLY_ON),
            op(INSERT, 0),
            op(SHOW, 0)),
        // Vendor: 25001 "Cannot change transaction isolation level / read-only property in the
        // middle of a transaction". Lagwise: ok (it does not see the transaction).
        when(
            "setTransactionIsolation after SQL BEGIN",
            Mode.STREAMING,
            op(SQL_BEGIN),
            op(ISOLATION, 0)),
        when(
            "setReadOnly after SQL START TRANSACTION",
            Mode.STREAMING,
            op(SQL_START_TRANSACTION),
            op(READ_ONLY_OFF)),
        when(
            "setReadOnly after SQL START TRANSACTION READ ONLY",
            Mode.STREAMING,
            op(SQL_START_TRANSACTION_READ_ONLY),
            op(READ_ONLY_OFF)),
        when(
            "setReadOnly after a multi-statement BEGIN; INSERT",
            Mode.STREAMING,
            op(MULTI_BEGIN_INSERT, 0),
            op(READ_ONLY_ON)),
        when(
            "setTransactionIsolation inside a JDBC transaction after a read",
            Mode.STREAMING,
            op(AUTOCOMMIT_OFF),
            op(SELECT_BY_ID, 0),
            op(ISOLATION, 0)),
        when(
            "setReadOnly inside a JDBC transaction after a write",
            Mode.STREAMING,
            op(AUTOCOMMIT_OFF),
            op(INSERT, 0),
            op(READ_ONLY_OFF)),
        when(
            "setReadOnly inside a JDBC transaction after a failed statement",
            Mode.STREAMING,
            op(AUTOCOMMIT_OFF),
            op(INSERT_DUPLICATE),
            op(READ_ONLY_ON)),
        // PgJDBC's getSchema() runs a query, which begins the JDBC transaction.
        when(
            "setReadOnly after getSchema() began the transaction",
            Mode.STREAMING,
            op(AUTOCOMMIT_OFF),
            op(GET_SCHEMA),
            op(READ_ONLY_ON)),
        // The reverse: vendor ok (the COMMIT in the string ended the transaction). Lagwise:
        // 25001, it still believes a transaction is open.
        when(
            "setReadOnly after a multi-statement INSERT; COMMIT",
            Mode.STREAMING,
            op(AUTOCOMMIT_OFF),
            op(MULTI_INSERT_COMMIT, 0),
            op(READ_ONLY_ON)),
        // Vendor: the row is updated / inserted / deleted. Lagwise: 25006, the updatable SELECT
        // ran on a replica and so does updateRow/insertRow/deleteRow.
        when("updatable result set: updateRow", Mode.STREAMING, op(RS_UPDATE_ROW, 0)),
        when("updatable result set: insertRow", Mode.STREAMING, op(RS_INSERT_ROW, 1)),
        when("updatable result set: deleteRow", Mode.STREAMING, op(RS_DELETE_ROW, 0)),
        // Vendor: rows. Lagwise: 25006 "Cannot run a write in the read-only transaction open on
        // replica": a PreparedStatement SELECT inside a replica transaction is taken for a write.
        when(
            "prepared SELECT in START TRANSACTION READ ONLY",
            Mode.STREAMING,
            op(SQL_START_TRANSACTION_READ_ONLY),
            op(PS_SELECT_BY_ID, 0)),
        when(
            "prepared SELECT in a setReadOnly(true) JDBC transaction begun by a Statement read",
            Mode.STREAMING,
            op(READ_ONLY_ON),
            op(AUTOCOMMIT_OFF),
            op(COUNT),
            op(PS_SELECT_BY_ID, 0)),
        // Vendor: BatchUpdateException (25, counts [-3, -3, -3]). Lagwise: a plain SQLException.
        when(
            "batch in a read-only transaction fails with BatchUpdateException",
            Mode.STREAMING,
            op(SQL_START_TRANSACTION_READ_ONLY),
            op(PS_BATCH, 0)));
  }

  static Stream<Arguments> mariaDb() {
    return Stream.of(
        // Connector/J accepts commit()/rollback()/setSavepoint() with autocommit on; Lagwise
        // throws 25000 "... when autoCommit is enabled".
        when("commit() in autocommit mode", Mode.STREAMING, op(COMMIT)),
        when("rollback() in autocommit mode", Mode.STREAMING, op(ROLLBACK)),
        when("setSavepoint() in autocommit mode", Mode.STREAMING, op(SET_SAVEPOINT)),
        // getAutoCommit() follows the server's status flag on Connector/J; Lagwise misses SQL.
        when("SET autocommit=0", Mode.STREAMING, op(SQL_SET_AUTOCOMMIT, 0)),
        when(
            "SET autocommit=1 after setAutoCommit(false)",
            Mode.STREAMING,
            op(AUTOCOMMIT_OFF),
            op(SQL_SET_AUTOCOMMIT, 1)),
        // Connector/J never refuses setReadOnly inside a transaction; Lagwise throws 25001.
        when("setReadOnly after BEGIN", Mode.STREAMING, op(SQL_BEGIN), op(READ_ONLY_ON)),
        when(
            "setReadOnly after COMMIT AND CHAIN",
            Mode.STREAMING,
            op(SQL_COMMIT_AND_CHAIN),
            op(READ_ONLY_ON)),
        when(
            "setReadOnly inside a JDBC transaction after a write",
            Mode.STREAMING,
            op(AUTOCOMMIT_OFF),
            op(UPDATE, 0),
            op(READ_ONLY_ON)),
        when(
            "setReadOnly(false) inside START TRANSACTION READ ONLY",
            Mode.STREAMING,
            op(READ_ONLY_ON),
            op(SQL_START_TRANSACTION_READ_ONLY),
            op(READ_ONLY_OFF)),
        // Vendor: 25006 "Cannot execute statement in a READ ONLY transaction". Lagwise: HY000
        // "--read-only option": the read-only transaction runs on a replica.
        when(
            "write in START TRANSACTION READ ONLY",
            Mode.STREAMING,
            op(SQL_START_TRANSACTION_READ_ONLY),
            op(INSERT, 0)),
        when(
            "Statement batch in START TRANSACTION READ ONLY",
            Mode.STREAMING,
            op(SQL_START_TRANSACTION_READ_ONLY),
            op(STATEMENT_BATCH, 0)),
        // Vendor: BatchUpdateException. Lagwise: a plain SQLException 25006.
        when(
            "PreparedStatement batch in START TRANSACTION READ ONLY",
            Mode.STREAMING,
            op(SQL_START_TRANSACTION_READ_ONLY),
            op(PS_BATCH, 0)),
        // Vendor: rows. Lagwise: 25006 "Cannot run a write in the read-only transaction".
        when(
            "prepared SELECT in START TRANSACTION READ ONLY",
            Mode.STREAMING,
            op(SQL_START_TRANSACTION_READ_ONLY),
            op(PS_COUNT)),
        // Read-your-writes: MariaDB commits a transaction implicitly at BEGIN and at DDL; Lagwise
        // takes the close for a rollback, takes no token, and the next read (after reopening)
        // goes to a replica that has not replayed the DELETE: 3 rows instead of 2.
        when(
            "stale read after BEGIN committed the transaction implicitly",
            Mode.PAUSED,
            op(AUTOCOMMIT_OFF),
            op(DELETE, 0),
            op(SQL_BEGIN),
            op(REOPEN),
            op(COUNT)),
        when(
            "stale read after DDL committed the transaction implicitly",
            Mode.PAUSED,
            op(AUTOCOMMIT_OFF),
            op(DELETE, 0),
            op(CREATE_AUX),
            op(REOPEN),
            op(COUNT)),
        // Found by a 10,000-sequence run: DDL that fails still commits the transaction first,
        // and the error carries no transaction status; the row must not read stale after reopen.
        when(
            "stale read after a failing DDL committed the transaction implicitly",
            Mode.PAUSED,
            op(AUTOCOMMIT_OFF),
            op(INSERT, 0),
            op(ALTER_AUX, 0),
            op(INSERT, 0),
            op(REOPEN),
            op(SELECT_ALL)),
        // (START TRANSACTION READ ONLY surviving setAutoCommit(false) then (true) is a known
        // divergence: KnownDivergences.)
        // Vendor: the row changes. Lagwise: HY000 "--read-only option" (SELECT ran on a replica).
        when("updatable result set: updateRow", Mode.STREAMING, op(RS_UPDATE_ROW, 0)),
        when("updatable result set: insertRow", Mode.STREAMING, op(RS_INSERT_ROW, 1)),
        when("updatable result set: deleteRow", Mode.STREAMING, op(RS_DELETE_ROW, 0)));
  }

  /**
   * Each accepted divergence still diverges: when one is fixed, its entry must go. Each needs the
   * read-only transaction to start on a replica, so Lagwise waits for one to replay the sequence's
   * earlier writes ({@code waitForReplica}); a few attempts, a divergence in any of them counts.
   */
  static void stillDiverges(Cluster cluster, List<Op> ops) throws Exception {
    try (Differ differ = new Differ(cluster, Mode.STREAMING, "5s")) {
      for (int attempt = 0; attempt < 5; attempt++) {
        if (differ.compare(ops).diverges()) {
          return;
        }
        Thread.sleep(300);
      }
      fail("fixed: remove it from KnownDivergences and docs/testing-differential.md");
    }
  }

  static Stream<Arguments> knownPostgres() {
    return KnownDivergences.POSTGRES.stream().map(k -> Arguments.of(k.why(), k.example()));
  }

  static Stream<Arguments> knownMariaDb() {
    return KnownDivergences.MARIADB.stream().map(k -> Arguments.of(k.why(), k.example()));
  }

  @Nested
  @ReplicatedCluster(replicas = 2)
  class Postgres {
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lagwise.it.diff.DifferentialCasesTest#postgres")
    void sameOutcomes(String name, Mode mode, List<Op> ops, Cluster cluster) throws SQLException {
      check(cluster, mode, ops);
    }

    @ParameterizedTest(name = "known: {0}")
    @MethodSource("dev.lagwise.it.diff.DifferentialCasesTest#knownPostgres")
    void knownDivergence(String why, List<Op> ops, Cluster cluster) throws Exception {
      stillDiverges(cluster, ops);
    }
  }

  @Nested
  @ReplicatedCluster(engine = Engine.MARIADB, replicas = 2)
  class MariaDb {
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lagwise.it.diff.DifferentialCasesTest#mariaDb")
    void sameOutcomes(String name, Mode mode, List<Op> ops, Cluster cluster) throws SQLException {
      check(cluster, mode, ops);
    }

    @ParameterizedTest(name = "known: {0}")
    @MethodSource("dev.lagwise.it.diff.DifferentialCasesTest#knownMariaDb")
    void knownDivergence(String why, List<Op> ops, Cluster cluster) throws Exception {
      stillDiverges(cluster, ops);
    }
  }
}
