package dev.lagwise.it.tx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.lagwise.it.tx.Cases.Cancelled;
import dev.lagwise.it.tx.Cases.Outcome;
import dev.lagwise.it.tx.Cases.Scenario;
import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The transaction state machine on PostgreSQL, case by case: what a user of PgJDBC alone sees is
 * the target, and where in doubt the same sequence runs on the primary through PgJDBC as the
 * oracle. Cases 1 to 5 of the cluster-cases list.
 */
@ReplicatedCluster(replicas = 2)
class PostgresTransactionCasesTest {

  static final String ROWS = "ptx_rows";
  static final String CANARY = "ptx_canary";

  static Cluster cluster;
  static Connection keeper;

  @BeforeAll
  static void tables(Cluster c) throws SQLException {
    cluster = c;
    keeper = Cases.keepMonitorAwake(c);
    Cases.setUp(
        c,
        "DROP TABLE IF EXISTS " + ROWS + ", " + CANARY,
        "CREATE TABLE " + ROWS + " (run text, id bigint, PRIMARY KEY (run, id))",
        "CREATE TABLE " + CANARY + " (id bigint PRIMARY KEY)");
  }

  @AfterEach
  void resume() {
    Cases.resumeReplicas(cluster);
  }

  @AfterAll
  static void close() throws SQLException {
    keeper.close();
  }

  static void insert(Connection c, String run, long id) throws SQLException {
    Cases.insert(c, ROWS, run, id);
  }

  static List<Long> readElsewhere(String run) throws SQLException {
    return Cases.readElsewhere(cluster, ROWS, run);
  }

  static void assertLikeVendor(String name, Scenario scenario, Outcome expected)
      throws SQLException {
    Cases.assertLikeVendor(cluster, ROWS, name, scenario, expected);
  }

  // ---------------------------------------------------------------- case 1

  @Test
  void case1AutocommitToggleCommitsThenTheNextTransactionRollsBack() throws Exception {
    assertLikeVendor(
        "case1",
        (c, run) -> {
          c.setAutoCommit(false);
          insert(c, run, 1); // A
          c.setAutoCommit(true); // commits A
          c.setAutoCommit(false);
          insert(c, run, 2); // B
          c.rollback(); // must not throw, must undo B
        },
        new Outcome(null, List.of(1L)));
  }

  // ---------------------------------------------------------------- case 2

  /** The first statement of a transaction fails; rollback() then leaves a usable connection. */
  static void firstStatementFailsThenRollback(
      String who, Connection c, String sql, String failState) throws SQLException {
    try (c;
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.setQueryTimeout(1);
      String state = null;
      try {
        s.execute(sql);
      } catch (SQLException e) {
        state = e.getSQLState();
      }
      assertThat(state).as("%s: SQLState of the failing first statement", who).isEqualTo(failState);
      c.rollback();
      assertThatCode(() -> Cases.count(c, "SELECT 1"))
          .as("%s: SELECT 1 after rollback() of a transaction whose first statement failed", who)
          .doesNotThrowAnyException();
      c.commit();
    }
  }

  @Test
  void case2FirstStatementFailsThenRollbackLeavesAUsableConnection() throws SQLException {
    firstStatementFailsThenRollback(
        "PgJDBC alone", cluster.primary().connect(), "SELECT 1/0", "22012");
    firstStatementFailsThenRollback("Lagwise", Cases.lagwise(cluster), "SELECT 1/0", "22012");
  }

  @Test
  void case2FirstStatementTimesOutThenRollbackLeavesAUsableConnection() throws SQLException {
    firstStatementFailsThenRollback(
        "PgJDBC alone", cluster.primary().connect(), "SELECT pg_sleep(5)", "57014");
    firstStatementFailsThenRollback(
        "Lagwise", Cases.lagwise(cluster), "SELECT pg_sleep(5)", "57014");
  }

  /**
   * The Statement first ran an autocommit read (on a replica through Lagwise), then autocommit is
   * switched off and a sleep starts the transaction on the primary: cancel() must reach the
   * primary's backend, within 2 s, and rollback() must leave a usable connection.
   */
  @Test
  void case2FirstStatementCancelledFromAnotherThread() throws Exception {
    String app = "ptx-case2-cancel";
    try (Connection c = Cases.lagwise(cluster, "ApplicationName=" + app);
        Statement s = c.createStatement()) {
      s.executeQuery("SELECT 1").close();
      c.setAutoCommit(false);
      Cancelled r = Cases.cancelWhileRunning(cluster, s, "SELECT pg_sleep(5)", app);
      assertThat(r.ranOn()).as("where the transaction's sleep ran").isEqualTo("primary");
      assertThat(r)
          .as("cancel() of a statement running on the primary (%s)", r)
          .extracting(Cancelled::sqlState, Cancelled::watchdog)
          .containsExactly("57014", false);
      assertThat(r.millisAfterCancel()).as("ms from cancel() to the exception").isLessThan(2000);
      c.rollback();
      assertThat(Cases.count(c, "SELECT 1")).isEqualTo(1);
      c.commit();
    }
  }

  // ---------------------------------------------------------------- case 3

  /**
   * Every way a transaction can commit captures its position: with replay paused, another Lagwise
   * connection and this one (after autocommit is back on) read the committed row.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"commit()", "setAutoCommit(true)", "COMMIT", "END", "COMMIT AND CHAIN"})
  void case3EveryCommitPathIsReadYourWrites(String path) throws Exception {
    String run = "case3 " + path;
    Cases.onPrimary(cluster, "DELETE FROM " + ROWS + " WHERE run = '" + run + "'");
    Cases.pauseReplicas(cluster, CANARY);
    try (Connection c = Cases.lagwise(cluster);
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      insert(c, run, 1);
      switch (path) {
        case "commit()" -> c.commit();
        case "setAutoCommit(true)" -> c.setAutoCommit(true);
        default -> s.execute(path);
      }
      assertThat(readElsewhere(run))
          .as("another Lagwise connection, replay paused, after %s", path)
          .containsExactly(1L);
      if (path.equals("COMMIT AND CHAIN")) {
        try (ResultSet rs = s.executeQuery("SELECT inet_server_port()")) {
          rs.next();
          assertThat(rs.getInt(1))
              .as("the chained transaction runs on the primary")
              .isEqualTo(cluster.primary().port());
        }
        insert(c, run, 2);
        c.commit();
        assertThat(readElsewhere(run))
            .as("another Lagwise connection after the chained transaction committed")
            .containsExactly(1L, 2L);
      }
      c.setAutoCommit(true);
      assertThat(Cases.ids(c, ROWS, run))
          .as("the same connection in autocommit, after %s", path)
          .isNotEmpty()
          .isEqualTo(Cases.ids(cluster, ROWS, run));
    }
  }

  // ---------------------------------------------------------------- case 4

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"BEGIN", "START TRANSACTION"})
  void case4TransactionBegunBySqlRunsOnThePrimaryAndRollsBack(String begin) throws Exception {
    String run = "case4 " + begin;
    Cases.onPrimary(cluster, "DELETE FROM " + ROWS + " WHERE run = '" + run + "'");
    try (Connection c = Cases.lagwise(cluster);
        Statement s = c.createStatement()) {
      s.execute(begin);
      insert(c, run, 1);
      String insertedOn = Cases.lastNode(c);
      try (ResultSet rs =
          s.executeQuery(
              "SELECT inet_server_port(), count(*) FROM " + ROWS + " WHERE run = '" + run + "'")) {
        rs.next();
        assertThat(rs.getInt(1)).as("the SELECT's server").isEqualTo(cluster.primary().port());
        assertThat(rs.getLong(2)).as("the transaction sees its own insert").isEqualTo(1);
      }
      assertThat(Cases.lastNode(c)).as("same node as the insert").isEqualTo(insertedOn);
      s.execute("ROLLBACK");
    }
    assertThat(Cases.ids(cluster, ROWS, run)).as("rows after ROLLBACK").isEmpty();
  }

  @Test
  void case4MultiStatementBeginThenRollback() throws Exception {
    String run = "case4 multi";
    Cases.onPrimary(cluster, "DELETE FROM " + ROWS + " WHERE run = '" + run + "'");
    try (Connection c = Cases.lagwise(cluster);
        Statement s = c.createStatement()) {
      s.execute("BEGIN; INSERT INTO " + ROWS + " VALUES ('" + run + "', 1)");
      assertThat(Cases.count(c, "SELECT count(*) FROM " + ROWS + " WHERE run = '" + run + "'"))
          .as("the open transaction sees its insert")
          .isEqualTo(1);
      s.execute("ROLLBACK");
    }
    assertThat(Cases.ids(cluster, ROWS, run)).as("rows after ROLLBACK").isEmpty();
  }

  /** A write inside START TRANSACTION READ ONLY fails as it does on the primary alone (25006). */
  static String writeInReadOnlyTransaction(Connection c, String run) throws SQLException {
    try (c;
        Statement s = c.createStatement()) {
      s.execute("START TRANSACTION READ ONLY");
      s.executeQuery("SELECT count(*) FROM " + ROWS).close();
      String state = null;
      try {
        insert(c, run, 1);
      } catch (SQLException e) {
        state = e.getSQLState();
      }
      s.execute("ROLLBACK");
      insert(c, run, 2); // autocommit again: a write works
      return state;
    }
  }

  @Test
  void case4StartTransactionReadOnlyRejectsWrites() throws Exception {
    String run = "case4 read only";
    Cases.onPrimary(cluster, "DELETE FROM " + ROWS + " WHERE run LIKE '" + run + "%'");
    String vendor = writeInReadOnlyTransaction(cluster.primary().connect(), run + "/vendor");
    String lagwise = writeInReadOnlyTransaction(Cases.lagwise(cluster), run);
    assertThat(vendor).as("oracle: PgJDBC alone").isEqualTo("25006");
    assertThat(lagwise).as("SQLState of a write in a read-only transaction").isEqualTo(vendor);
    assertThat(Cases.ids(cluster, ROWS, run)).containsExactly(2L);
  }

  // ---------------------------------------------------------------- case 5

  @Test
  void case5JdbcSavepointAsTheFirstThingInATransaction() throws Exception {
    assertLikeVendor(
        "case5 jdbc",
        (c, run) -> {
          c.setAutoCommit(false);
          Savepoint sp = c.setSavepoint();
          insert(c, run, 1);
          c.rollback(sp);
          insert(c, run, 2);
          c.commit();
        },
        new Outcome(null, List.of(2L)));
  }

  @Test
  void case5SqlSavepointAsTheFirstThingInATransaction() throws Exception {
    assertLikeVendor(
        "case5 sql",
        (c, run) -> {
          c.setAutoCommit(false);
          try (Statement s = c.createStatement()) {
            s.execute("SAVEPOINT s1");
            insert(c, run, 1);
            s.execute("ROLLBACK TO SAVEPOINT s1");
            insert(c, run, 2);
            s.execute("SAVEPOINT s2");
            insert(c, run, 3);
            s.execute("ROLLBACK TO SAVEPOINT s2");
          }
          c.commit();
        },
        new Outcome(null, List.of(2L)));
  }

  @Test
  void case5WritesAfterRollbackToSavepointAreReadYourWrites() throws Exception {
    String run = "case5 ryw";
    Cases.onPrimary(cluster, "DELETE FROM " + ROWS + " WHERE run = '" + run + "'");
    Cases.pauseReplicas(cluster, CANARY);
    try (Connection c = Cases.lagwise(cluster)) {
      c.setAutoCommit(false);
      Savepoint sp = c.setSavepoint("first");
      insert(c, run, 1);
      c.rollback(sp);
      insert(c, run, 2);
      c.commit();
      assertThat(readElsewhere(run))
          .as("another Lagwise connection, replay paused")
          .containsExactly(2L);
    }
  }
}
