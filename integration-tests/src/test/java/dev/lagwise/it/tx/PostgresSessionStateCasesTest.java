package dev.lagwise.it.tx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Node;
import dev.lagwise.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
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

/**
 * Session state carried to hosts opened later, and connection-level calls (metadata, arrays,
 * isValid) on PostgreSQL: cases 6 and 7 of the cluster-cases list.
 */
@ReplicatedCluster(replicas = 2)
class PostgresSessionStateCasesTest {

  static final String CANARY = "pss_canary";

  static Cluster cluster;
  static Connection keeper;

  @BeforeAll
  static void schema(Cluster c) throws SQLException {
    cluster = c;
    keeper = Cases.keepMonitorAwake(c);
    Cases.setUp(
        c,
        "DROP TABLE IF EXISTS " + CANARY + ", pss_meta",
        "CREATE TABLE " + CANARY + " (id bigint PRIMARY KEY)",
        "CREATE TABLE pss_meta (id int PRIMARY KEY, note text)",
        "CREATE SCHEMA IF NOT EXISTS pss_a",
        "CREATE SCHEMA IF NOT EXISTS pss_b");
  }

  @AfterEach
  void resume() {
    Cases.resumeReplicas(cluster);
  }

  @AfterAll
  static void close() throws SQLException {
    keeper.close();
  }

  static String onPrimary(Connection c, String sql) throws SQLException {
    String v = Cases.string(c, "/*lagwise:primary*/ " + sql);
    assertThat(Cases.lastNode(c)).as("hinted to the primary").isEqualTo(primary());
    return v;
  }

  static String onReplica(Connection c, String sql) throws SQLException {
    String v = Cases.string(c, "/*lagwise:replica*/ " + sql);
    assertThat(Cases.lastNode(c)).as("hinted to a replica").isNotEqualTo(primary());
    return v;
  }

  static String primary() {
    return Cases.hostPort(cluster.primary());
  }

  // ---------------------------------------------------------------- case 6: order of session state

  /** SET search_path, then setSchema: the later one wins on every host, as on PgJDBC alone. */
  @Test
  void case6SetSchemaAfterSetSearchPathWinsOnAPrimaryOpenedLater() throws Exception {
    try (Connection c = Cases.lagwise(cluster);
        Statement s = c.createStatement()) {
      onReplica(c, "SELECT 1"); // only a replica connection is open
      s.execute("SET search_path TO pss_a");
      c.setSchema("pss_b");
      assertThat(c.getSchema()).as("getSchema()").isEqualTo("pss_b");
      assertThat(onPrimary(c, "SELECT current_schema()"))
          .as("current_schema() on the primary, opened after SET search_path and setSchema")
          .isEqualTo("pss_b");
      assertThat(onReplica(c, "SELECT current_schema()"))
          .as("current_schema() on the replica")
          .isEqualTo("pss_b");
    }
  }

  @Test
  void case6SetSchemaAfterSetSearchPathWinsOnAReplicaOpenedLater() throws Exception {
    try (Connection c = Cases.lagwise(cluster);
        Statement s = c.createStatement()) {
      onPrimary(c, "SELECT 1"); // only the primary connection is open
      s.execute("SET search_path TO pss_a");
      c.setSchema("pss_b");
      assertThat(c.getSchema()).as("getSchema()").isEqualTo("pss_b");
      assertThat(onReplica(c, "SELECT current_schema()"))
          .as("current_schema() on a replica, opened after SET search_path and setSchema")
          .isEqualTo("pss_b");
      assertThat(onPrimary(c, "SELECT current_schema()"))
          .as("current_schema() on the primary")
          .isEqualTo("pss_b");
    }
  }

  /** A SET inside a transaction that rolls back is undone, also on hosts opened afterwards. */
  @Test
  void case6SetInARolledBackTransactionIsUndoneEverywhere() throws Exception {
    try (Connection vendor = Cases.vendor(cluster, cluster.primary(), "ApplicationName=pss-old");
        Statement s = vendor.createStatement()) {
      vendor.setAutoCommit(false);
      s.execute("SET application_name = 'pss-rolled-back'");
      vendor.rollback();
      vendor.setAutoCommit(true);
      assertThat(Cases.string(vendor, "SHOW application_name"))
          .as("oracle: PgJDBC alone")
          .isEqualTo("pss-old");
    }
    try (Connection c = Cases.lagwise(cluster, "ApplicationName=pss-old");
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("SET application_name = 'pss-rolled-back'");
      c.rollback();
      c.setAutoCommit(true);
      assertThat(onPrimary(c, "SHOW application_name"))
          .as("application_name on the primary after the rollback")
          .isEqualTo("pss-old");
      assertThat(onReplica(c, "SHOW application_name"))
          .as("application_name on a replica opened after the rollback")
          .isEqualTo("pss-old");
    }
  }

  /**
   * PREPARE is allowed on a hot standby: prepared in a read-only transaction on a replica, the
   * statement must still be executable after the commit, wherever the session then runs.
   */
  @Test
  void case6PrepareInAReadOnlyTransactionOnAReplicaThenExecute() throws Exception {
    try (Connection c = Cases.lagwise(cluster);
        Statement s = c.createStatement()) {
      c.setReadOnly(true);
      c.setAutoCommit(false);
      assertThat(Cases.string(c, "SELECT pg_is_in_recovery()"))
          .as("the read-only transaction runs on a replica")
          .isEqualTo("t");
      s.execute("PREPARE pss_p AS SELECT 42");
      c.commit();
      assertThatCode(
              () ->
                  assertThat(Cases.count(c, "EXECUTE pss_p"))
                      .as("EXECUTE of the prepared statement")
                      .isEqualTo(42))
          .as("EXECUTE pss_p after the read-only transaction that prepared it committed")
          .doesNotThrowAnyException();
      c.commit();
    }
  }

  // ---------------------------------------------------------------- case 7: connection-level calls

  /** Sessions named {@code app} that sit idle in a transaction, on any node. */
  static List<String> idleInTransaction(String app) throws SQLException {
    List<String> found = new ArrayList<>();
    for (Node n : cluster.nodes()) {
      try (Connection c = n.connect();
          PreparedStatement ps =
              c.prepareStatement(
                  "SELECT state, query FROM pg_stat_activity"
                      + " WHERE application_name = ? AND state LIKE 'idle in transaction%'")) {
        ps.setString(1, app);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            found.add(n.name() + ": " + rs.getString(1) + ": " + rs.getString(2));
          }
        }
      }
    }
    return found;
  }

  /**
   * Connection-level calls with autocommit off, then rollback() (what a pool does when it takes the
   * connection back): afterwards no transaction may stay open on any host.
   */
  static void connectionLevelCalls(Connection c) throws SQLException {
    c.setAutoCommit(false);
    DatabaseMetaData md = c.getMetaData();
    md.getTables(null, "public", "pss_%", new String[] {"TABLE"}).close();
    md.getColumns(null, "public", "pss_meta", "%").close();
    c.getSchema();
    c.createArrayOf("int4", new Integer[] {1, 2}).free();
    c.createArrayOf("text", new String[] {"a"}).free();
    c.isValid(2);
    c.rollback();
  }

  @Test
  void case7MetadataAndConnectionCallsLeaveNoTransactionOpen() throws Exception {
    try (Connection vendor =
            Cases.vendor(cluster, cluster.primary(), "ApplicationName=pss-case7-vendor");
        Connection c = Cases.lagwise(cluster, "ApplicationName=pss-case7")) {
      connectionLevelCalls(vendor);
      connectionLevelCalls(c);
      Thread.sleep(200); // pg_stat_activity trails the sessions a little
      assertThat(idleInTransaction("pss-case7-vendor")).as("oracle: PgJDBC alone").isEmpty();
      assertThat(idleInTransaction("pss-case7"))
          .as("Lagwise sessions idle in transaction after connection-level calls and rollback()")
          .isEmpty();
    }
  }

  /** A table created through Lagwise (replay paused) is found by getColumns on this connection. */
  @Test
  void case7GetColumnsFindsATableTheSessionJustCreated() throws Exception {
    Cases.onPrimary(cluster, "DROP TABLE IF EXISTS pss_created_here");
    Cases.pauseReplicas(cluster, CANARY);
    try (Connection c = Cases.lagwise(cluster);
        Statement s = c.createStatement()) {
      onReplica(c, "SELECT 1");
      s.execute("CREATE TABLE pss_created_here (id int, note text)");
      assertThat(columns(c, "pss_created_here"))
          .as("getColumns on the connection that created the table, replay paused")
          .containsExactly("id", "note");
    }
  }

  /**
   * Same with the JVM-wide causal scope: another connection, which had already read from a replica,
   * must find the table too.
   */
  @Test
  void case7GetColumnsOnAnotherConnectionFindsATableJustCreated() throws Exception {
    Cases.onPrimary(cluster, "DROP TABLE IF EXISTS pss_created_there");
    Cases.pauseReplicas(cluster, CANARY);
    try (Connection other = Cases.lagwise(cluster)) {
      onReplica(other, "SELECT 1"); // the other connection has a replica open
      try (Connection c = Cases.lagwise(cluster);
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE pss_created_there (id int, note text)");
      }
      assertThat(columns(other, "pss_created_there"))
          .as("getColumns on another Lagwise connection, replay paused")
          .containsExactly("id", "note");
    }
  }

  static List<String> columns(Connection c, String table) throws SQLException {
    List<String> names = new ArrayList<>();
    try (ResultSet rs = c.getMetaData().getColumns(null, "public", table, "%")) {
      while (rs.next()) {
        names.add(rs.getString("COLUMN_NAME"));
      }
    }
    return names;
  }
}
