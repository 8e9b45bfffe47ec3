package dev.lagwise.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwise.LagwiseConnection;
import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Node;
import dev.lagwise.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A PL/pgSQL function that changes {@code search_path} with {@code set_config}: no command tag says
 * so and PostgreSQL before 18 reports nothing, so Lagwise could not replay it on the replicas'
 * connections, and the session's next read resolved its table names with the old search_path there
 * (PgJDBC's {@code SchemaTest#searchPathPreparedStatementInPlpgsqlStaysCorrect}: {@code relation
 * "plpgsql_tbl" does not exist}). Lagwise compares the session's settings around such a call and
 * pins the session to the node that ran it when they changed.
 */
@ReplicatedCluster(replicas = 2)
class PostgresFunctionSettingsTest {

  static Cluster cluster;

  @BeforeAll
  static void setUp(Cluster c) throws Exception {
    cluster = c;
    try (Connection p = c.primary().connect();
        Statement s = p.createStatement()) {
      for (String schema : new String[] {"fs1", "fs2"}) {
        s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        s.execute("CREATE SCHEMA " + schema);
        s.execute("CREATE TABLE " + schema + ".fs_tbl (val text)");
        s.execute("INSERT INTO " + schema + ".fs_tbl VALUES ('from_" + schema + "')");
      }
      s.execute(
          "CREATE FUNCTION fs1.set_search_path(p text) RETURNS void AS $$ BEGIN PERFORM"
              + " set_config('search_path', p, false); END; $$ LANGUAGE plpgsql");
      s.execute(
          "CREATE FUNCTION fs1.harmless(p text) RETURNS text AS $$ BEGIN RETURN p; END; $$"
              + " LANGUAGE plpgsql");
    }
    // Every replica has the tables: what follows is about the session's settings, not lag.
    c.awaitReplicasCaughtUp(Duration.ofSeconds(30));
  }

  static Connection lagwise() throws SQLException {
    return DriverManager.getConnection(
        cluster.lagwiseUrl() + "?lagwise.pollInterval=100ms", cluster.user(), cluster.password());
  }

  static String one(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }

  static void run(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  static String primary() {
    return cluster.primary().host() + ":" + cluster.primary().port();
  }

  /** Waits until {@code c}'s reads are served by a replica (the monitor saw them caught up). */
  static void awaitReadOnReplica(Connection c) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      run(c, "SELECT 1");
      if (!primary().equals(c.unwrap(LagwiseConnection.class).lastNode())) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no replica served a read");
      }
      Thread.sleep(20);
    }
  }

  @Test
  void aFunctionThatChangesSearchPathPinsTheSession() throws Exception {
    try (Connection c = lagwise()) {
      awaitReadOnReplica(c);
      run(c, "SELECT fs1.set_search_path('fs1')");
      LagwiseConnection lw = c.unwrap(LagwiseConnection.class);
      assertThat(lw.isPinnedToPrimary()).as("the change lives on the primary only").isTrue();
      try (PreparedStatement ps = c.prepareStatement("SELECT val FROM fs_tbl")) {
        for (int i = 0; i < 10; i++) {
          assertThat(one(ps)).isEqualTo("from_fs1");
          assertThat(lw.lastNode()).isEqualTo(primary());
        }
        run(c, "SELECT fs1.set_search_path('fs2')");
        assertThat(one(ps)).isEqualTo("from_fs2");
      }
      run(c, "DISCARD ALL");
      assertThat(lw.isPinnedToPrimary()).as("DISCARD ALL resets it everywhere").isFalse();
    }
  }

  /** A function that changes no setting costs no pin: reads stay on replicas. */
  @Test
  void aFunctionThatChangesNoSettingLeavesReadsOnReplicas() throws Exception {
    try (Connection c = lagwise()) {
      run(c, "SET search_path TO fs2, public");
      awaitReadOnReplica(c);
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT fs1.harmless('x')")) {
        assertThat(rs.next()).isTrue();
      }
      LagwiseConnection lw = c.unwrap(LagwiseConnection.class);
      assertThat(lw.isPinnedToPrimary()).isFalse();
      awaitReadOnReplica(c);
      try (PreparedStatement ps = c.prepareStatement("SELECT val FROM fs_tbl")) {
        assertThat(one(ps)).as("the replayed SET, on the replica").isEqualTo("from_fs2");
      }
    }
  }

  /**
   * With every replica's replay paused, the session's own writes keep its reads off them; the
   * settings the function changed are the primary's, where the reads go.
   */
  @Test
  void underPausedReplayTheSessionReadsItsWritesWithItsSettings() throws Exception {
    for (Node r : cluster.replicas()) {
      r.pauseReplay();
    }
    try (Connection c = lagwise()) {
      run(c, "SELECT fs1.set_search_path('fs2')");
      run(c, "INSERT INTO fs_tbl VALUES ('new')");
      try (PreparedStatement ps =
          c.prepareStatement("SELECT string_agg(val, ',' ORDER BY val) FROM fs_tbl")) {
        assertThat(one(ps)).isEqualTo("from_fs2,new");
      }
      run(c, "DELETE FROM fs_tbl WHERE val = 'new'");
    } finally {
      for (Node r : cluster.replicas()) {
        r.resumeReplay();
      }
    }
  }
}
