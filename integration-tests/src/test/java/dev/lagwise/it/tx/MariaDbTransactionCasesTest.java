package dev.lagwise.it.tx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwise.it.tx.Cases.Outcome;
import dev.lagwise.it.tx.Cases.Scenario;
import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Engine;
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
 * The transaction state machine on MariaDB (cases 1 to 5 of the cluster-cases list): MariaDB
 * Connector/J alone on the primary is the oracle.
 */
@ReplicatedCluster(engine = Engine.MARIADB, replicas = 2)
class MariaDbTransactionCasesTest {

  static final String ROWS = "mtx_rows";
  static final String LOCKS = "mtx_locks";
  static final String CANARY = "mtx_canary";

  static Cluster cluster;
  static Connection keeper;

  @BeforeAll
  static void tables(Cluster c) throws SQLException {
    cluster = c;
    keeper = Cases.keepMonitorAwake(c);
    Cases.setUp(
        c,
        "DROP TABLE IF EXISTS " + ROWS + ", " + LOCKS + ", " + CANARY,
        "CREATE TABLE " + ROWS + " (run VARCHAR(64), id BIGINT, PRIMARY KEY (run, id))",
        "CREATE TABLE " + LOCKS + " (id BIGINT PRIMARY KEY, v INT)",
        "INSERT INTO " + LOCKS + " VALUES (1, 0)",
        "CREATE TABLE " + CANARY + " (id BIGINT PRIMARY KEY)");
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

  /**
   * What is left after a transaction whose first statement failed is rolled back: the failing
   * statement's SQLState, whether another session can then update the row the failed statement
   * locked (1 s lock wait), and whether {@code SELECT 1} works. "ok" when it did.
   */
  record AfterFailure(String failState, String lockReleased, String select1) {}

  static AfterFailure firstStatementFailsThenRollback(Connection c, String sql) throws Exception {
    try (c;
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.setQueryTimeout(1);
      String state = "no error";
      try {
        s.execute(sql);
      } catch (SQLException e) {
        state = e.getSQLState();
      }
      c.rollback();
      String lock = "ok";
      try (Connection other = cluster.primary().connect();
          Statement o = other.createStatement()) {
        o.execute("SET SESSION innodb_lock_wait_timeout = 1");
        o.executeUpdate("UPDATE " + LOCKS + " SET v = v + 1 WHERE id = 1");
      } catch (SQLException e) {
        lock = e.getSQLState() + " " + e.getMessage();
      }
      String select1 = "ok";
      try {
        Cases.count(c, "SELECT 1");
      } catch (SQLException e) {
        select1 = e.getSQLState() + " " + e.getMessage();
      }
      c.rollback();
      return new AfterFailure(state, lock, select1);
    }
  }

  static void assertFirstStatementFailureLikeVendor(String sql) throws Exception {
    AfterFailure vendor = firstStatementFailsThenRollback(cluster.primary().connect(), sql);
    AfterFailure lagwise = firstStatementFailsThenRollback(Cases.lagwise(cluster), sql);
    assertThat(vendor)
        .as("oracle: Connector/J alone")
        .extracting(AfterFailure::lockReleased, AfterFailure::select1)
        .containsExactly("ok", "ok");
    assertThat(vendor.failState()).as("oracle: the first statement fails").isNotEqualTo("no error");
    assertThat(lagwise).as("Lagwise (Connector/J alone gives %s)", vendor).isEqualTo(vendor);
  }

  @Test
  void case2FirstStatementFailsThenRollbackReleasesItsLocks() throws Exception {
    // A failed duplicate-key insert leaves a shared lock on the duplicate row until rollback.
    assertFirstStatementFailureLikeVendor("INSERT INTO " + LOCKS + " VALUES (1, 0)");
  }

  @Test
  void case2FirstStatementTimesOutThenRollbackReleasesItsLocks() throws Exception {
    assertFirstStatementFailureLikeVendor(
        "SELECT id, SLEEP(5) FROM " + LOCKS + " WHERE id = 1 FOR UPDATE");
  }

  // ---------------------------------------------------------------- case 3

  /**
   * Every way a transaction can commit captures its position: with replay paused, another Lagwise
   * connection and this one (after autocommit is back on) read the committed row.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "commit()",
        "setAutoCommit(true)",
        "COMMIT",
        "DDL implicit commit",
        "SET autocommit=1"
      })
  void case3EveryCommitPathIsReadYourWrites(String path) throws Exception {
    String run = "case3 " + path;
    Cases.onPrimary(
        cluster,
        "DELETE FROM " + ROWS + " WHERE run = '" + run + "'",
        "DROP TABLE IF EXISTS mtx_ddl");
    Cases.pauseReplicas(cluster, CANARY);
    try (Connection c = Cases.lagwise(cluster);
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      insert(c, run, 1);
      switch (path) {
        case "commit()" -> c.commit();
        case "setAutoCommit(true)" -> c.setAutoCommit(true);
        case "DDL implicit commit" -> s.execute("CREATE TABLE mtx_ddl (id INT)");
        default -> s.execute(path);
      }
      assertThat(readElsewhere(run))
          .as("another Lagwise connection, replay paused, after %s", path)
          .containsExactly(1L);
      if (path.equals("SET autocommit=1")) {
        assertThat(c.getAutoCommit())
            .as(
                "getAutoCommit() after SET autocommit=1 (Connector/J alone: %s)",
                vendorAutoCommit())
            .isEqualTo(vendorAutoCommit());
      }
      c.setAutoCommit(true);
      assertThat(Cases.ids(c, ROWS, run))
          .as("the same connection in autocommit, after %s", path)
          .containsExactly(1L);
    }
  }

  /** getAutoCommit() of Connector/J alone after setAutoCommit(false) and SET autocommit=1. */
  static boolean vendorAutoCommit() throws SQLException {
    try (Connection c = cluster.primary().connect();
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("SET autocommit=1");
      return c.getAutoCommit();
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
          s.executeQuery("SELECT @@port, count(*) FROM " + ROWS + " WHERE run = '" + run + "'")) {
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
  void case4SetAutocommitZeroThenRollback() throws Exception {
    assertLikeVendor(
        "case4 set autocommit",
        (c, run) -> {
          try (Statement s = c.createStatement()) {
            s.execute("SET autocommit=0");
            insert(c, run, 1);
            s.execute("ROLLBACK");
            s.execute("SET autocommit=1");
            insert(c, run, 2); // autocommit again
          }
        },
        new Outcome(null, List.of(2L)));
  }

  static String writeInReadOnlyTransaction(Connection c, String run) throws SQLException {
    try (c;
        Statement s = c.createStatement()) {
      s.execute("START TRANSACTION READ ONLY");
      s.executeQuery("SELECT count(*) FROM " + ROWS).close();
      String state = null;
      try {
        insert(c, run, 1);
      } catch (SQLException e) {
        state = e.getSQLState() + " (" + e.getErrorCode() + ")";
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
    assertThat(vendor).as("oracle: Connector/J alone").startsWith("25006");
    // The SQLState is the primary's (25006); the vendor error code stays the replica's own (1290,
    // "running with the --read-only option"), which says where the write was refused.
    assertThat(lagwise)
        .as("SQLState (error code) of a write in a read-only transaction")
        .startsWith("25006 (");
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
