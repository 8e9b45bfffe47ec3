package dev.lagwise.it.tx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.lagwise.testkit.Cluster;
import java.sql.BatchUpdateException;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Case 8 of the cluster-cases list, for both engines: writes that do not go through {@code
 * execute*} with SQL Lagwise classifies (an updatable result set, large batches, a batch that fails
 * part-way) must run on the primary and be read-your-writes like any other write. Each write
 * happens with replay paused on every replica, then another Lagwise connection reads.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BypassWritesCases {

  Cluster cluster;
  Connection keeper;

  /** Table name prefix of the subclass: clusters are shared between test classes. */
  abstract String prefix();

  /** DDL of a procedure {@code <prefix>_insert(run, id)} that inserts into the rows table. */
  abstract String[] procedureDdl();

  String rows() {
    return prefix() + "_rows";
  }

  String items() {
    return prefix() + "_items";
  }

  String canary() {
    return prefix() + "_canary";
  }

  @BeforeAll
  void tables() throws SQLException {
    keeper = Cases.keepMonitorAwake(cluster);
    List<String> ddl = new ArrayList<>();
    ddl.add("DROP TABLE IF EXISTS " + rows() + ", " + items() + ", " + canary());
    ddl.add("CREATE TABLE " + rows() + " (run VARCHAR(64), id BIGINT, PRIMARY KEY (run, id))");
    ddl.add("CREATE TABLE " + items() + " (id INT PRIMARY KEY, name VARCHAR(64))");
    ddl.add("CREATE TABLE " + canary() + " (id BIGINT PRIMARY KEY)");
    ddl.addAll(List.of(procedureDdl()));
    Cases.setUp(cluster, ddl.toArray(new String[0]));
  }

  @AfterEach
  void resume() {
    Cases.resumeReplicas(cluster);
  }

  @AfterAll
  void close() throws SQLException {
    keeper.close();
  }

  List<Long> readElsewhere(String run) throws SQLException {
    try (Connection c = Cases.lagwise(cluster)) {
      return Cases.ids(c, rows(), run);
    }
  }

  void deleteRun(String run) throws SQLException {
    Cases.onPrimary(cluster, "DELETE FROM " + rows() + " WHERE run = '" + run + "'");
  }

  /** id:name of every item, ordered by id, as {@code c} reads them. */
  List<String> items(Connection c) throws SQLException {
    List<String> all = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, name FROM " + items() + " ORDER BY id")) {
      while (rs.next()) {
        all.add(rs.getInt(1) + ":" + rs.getString(2));
      }
    }
    return all;
  }

  // ---------------------------------------------------------------- updatable result set

  @Test
  void case8UpdatableResultSetWritesOnThePrimaryAndIsReadYourWrites() throws Exception {
    Cases.onPrimary(
        cluster,
        "DELETE FROM " + items(),
        "INSERT INTO " + items() + " VALUES (1, 'one'), (2, 'two')");
    Cases.pauseReplicas(cluster, canary());
    try (Connection c = Cases.lagwise(cluster);
        Statement s =
            c.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.CONCUR_UPDATABLE)) {
      assertThatCode(
              () -> {
                try (ResultSet rs = s.executeQuery("SELECT * FROM " + items() + " ORDER BY id")) {
                  rs.next();
                  rs.updateString("name", "uno");
                  rs.updateRow();
                  rs.next();
                  rs.deleteRow();
                  rs.moveToInsertRow();
                  rs.updateInt("id", 3);
                  rs.updateString("name", "three");
                  rs.insertRow();
                }
              })
          .as("updateRow, deleteRow and insertRow on an updatable result set")
          .doesNotThrowAnyException();
    }
    try (Connection p = cluster.primary().connect()) {
      assertThat(items(p)).as("the primary").containsExactly("1:uno", "3:three");
    }
    try (Connection other = Cases.lagwise(cluster)) {
      assertThat(items(other))
          .as("another Lagwise connection, replay paused")
          .containsExactly("1:uno", "3:three");
    }
  }

  // ---------------------------------------------------------------- large batches

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"Statement", "PreparedStatement", "CallableStatement"})
  void case8ExecuteLargeBatchIsReadYourWrites(String kind) throws Exception {
    String run = "case8 batch " + kind;
    if (kind.equals("CallableStatement")) {
      assumeThat(vendorRunsCallableBatches())
          .as("the vendor driver alone runs a batch of CALLs")
          .isTrue();
    }
    deleteRun(run);
    Cases.pauseReplicas(cluster, canary());
    try (Connection c = Cases.lagwise(cluster)) {
      long[] counts = largeBatch(c, kind, run);
      assertThat(counts).as("update counts of executeLargeBatch").hasSize(2);
      assertThat(Cases.ids(cluster, rows(), run)).as("the primary").containsExactly(1L, 2L);
      assertThat(readElsewhere(run))
          .as("another Lagwise connection after %s.executeLargeBatch, replay paused", kind)
          .containsExactly(1L, 2L);
      assertThat(Cases.lastNode(c))
          .as("lastNode() after the batch")
          .isEqualTo(Cases.hostPort(cluster.primary()));
    }
  }

  long[] largeBatch(Connection c, String kind, String run) throws SQLException {
    switch (kind) {
      case "Statement":
        try (Statement s = c.createStatement()) {
          for (int id = 1; id <= 2; id++) {
            s.addBatch("INSERT INTO " + rows() + " VALUES ('" + run + "', " + id + ")");
          }
          return s.executeLargeBatch();
        }
      case "PreparedStatement":
        try (PreparedStatement ps =
            c.prepareStatement("INSERT INTO " + rows() + " VALUES (?, ?)")) {
          for (int id = 1; id <= 2; id++) {
            ps.setString(1, run);
            ps.setLong(2, id);
            ps.addBatch();
          }
          return ps.executeLargeBatch();
        }
      default:
        try (CallableStatement cs = c.prepareCall("CALL " + prefix() + "_insert(?, ?)")) {
          for (int id = 1; id <= 2; id++) {
            cs.setString(1, run);
            cs.setLong(2, id);
            cs.addBatch();
          }
          return cs.executeLargeBatch();
        }
    }
  }

  boolean vendorRunsCallableBatches() throws SQLException {
    String run = "case8 callable oracle";
    deleteRun(run);
    try (Connection c = cluster.primary().connect()) {
      largeBatch(c, "CallableStatement", run);
      return Cases.ids(c, rows(), run).equals(List.of(1L, 2L));
    } catch (SQLException e) {
      return false;
    }
  }

  // ---------------------------------------------------------------- a batch failing part-way

  /** Four inserts in autocommit, the third a duplicate key; returns what the execute threw. */
  String failingBatch(Connection c, String run) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (long id : new long[] {1, 2, 1, 4}) {
        s.addBatch("INSERT INTO " + rows() + " VALUES ('" + run + "', " + id + ")");
      }
      s.executeBatch();
      return "no error";
    } catch (BatchUpdateException e) {
      return e.getSQLState();
    }
  }

  @Test
  void case8ABatchFailingPartWayIsReadYourWritesForWhatItCommitted() throws Exception {
    String run = "case8 failing batch";
    deleteRun(run + "/vendor");
    deleteRun(run);
    String vendorState;
    try (Connection v = cluster.primary().connect()) {
      vendorState = failingBatch(v, run + "/vendor");
    }
    List<Long> vendorRows = Cases.ids(cluster, rows(), run + "/vendor");
    Cases.pauseReplicas(cluster, canary());
    String state;
    try (Connection c = Cases.lagwise(cluster)) {
      state = failingBatch(c, run);
    }
    assertThat(state)
        .as("SQLState of the failing batch (vendor alone: %s)", vendorState)
        .isEqualTo(vendorState);
    assertThat(Cases.ids(cluster, rows(), run))
        .as("rows the primary kept (vendor alone keeps %s)", vendorRows)
        .isEqualTo(vendorRows);
    assertThat(readElsewhere(run))
        .as("another Lagwise connection, replay paused, after a batch that failed part-way")
        .isEqualTo(vendorRows);
  }
}
