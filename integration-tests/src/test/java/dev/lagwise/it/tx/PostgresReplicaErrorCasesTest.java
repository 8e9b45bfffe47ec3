package dev.lagwise.it.tx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwise.it.tx.Cases.Cancelled;
import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Node;
import dev.lagwise.testkit.ReplicatedCluster;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Errors only a replica raises, and cancel on a replica (PostgreSQL): cases 12 and 13 of the
 * cluster-cases list.
 */
@ReplicatedCluster(replicas = 2)
class PostgresReplicaErrorCasesTest {

  /** Advisory lock class taken by {@code pre_bump()} wherever it runs, once per call. */
  static final int BUMP_LOCKS = 4242;

  /** A database of its own: see {@link #case12AStreamParameterSurvivesARetryOnThePrimary}. */
  static final String STREAM_DB = "pre_streams";

  static Cluster cluster;
  static Connection keeper;

  @BeforeAll
  static void schema(Cluster c) throws SQLException {
    cluster = c;
    keeper = Cases.keepMonitorAwake(c);
    Cases.onPrimary(
        c,
        "DROP TABLE IF EXISTS pre_unlogged, pre_bumps",
        "CREATE UNLOGGED TABLE pre_unlogged (id int)",
        "INSERT INTO pre_unlogged VALUES (1), (2), (3)",
        "CREATE TABLE pre_bumps (n int)",
        // Counts its calls on each server in session advisory locks, which a hot standby grants
        // and which survive the error the INSERT raises there.
        "CREATE OR REPLACE FUNCTION pre_bump() RETURNS int LANGUAGE plpgsql VOLATILE AS $$"
            + " DECLARE n int; BEGIN"
            + " SELECT count(*) INTO n FROM pg_locks WHERE locktype = 'advisory'"
            + "   AND pid = pg_backend_pid() AND classid = "
            + BUMP_LOCKS
            + ";"
            + " PERFORM pg_advisory_lock("
            + BUMP_LOCKS
            + ", n + 1);"
            + " INSERT INTO pre_bumps VALUES (1); RETURN 1; END $$",
        "DROP DATABASE IF EXISTS " + STREAM_DB,
        "CREATE DATABASE " + STREAM_DB);
    try (Connection p =
            DriverManager.getConnection(in(cluster.primary().jdbcUrl()), c.user(), c.password());
        Statement s = p.createStatement()) {
      s.execute("CREATE TABLE pre_stored (id serial PRIMARY KEY, txt text, bin bytea)");
      s.execute(
          "CREATE FUNCTION pre_store(t text, b bytea) RETURNS int LANGUAGE sql VOLATILE AS"
              + " 'INSERT INTO pre_stored (txt, bin) VALUES (t, b)"
              + " RETURNING length(t) + length(b)'");
    }
    c.awaitReplicasCaughtUp(Duration.ofSeconds(30));
  }

  @AfterAll
  static void close() throws SQLException {
    keeper.close();
  }

  /** {@code url} with the stream database instead of the cluster's. */
  static String in(String url) {
    return url.substring(0, url.lastIndexOf('/') + 1) + STREAM_DB;
  }

  // ---------------------------------------------------------------- case 12

  @Test
  void case12AnUnloggedTableIsReadOnThePrimaryAfterTheReplicaRefuses() throws Exception {
    try (Connection c = Cases.lagwise(cluster)) {
      assertThat(Cases.attempt(() -> Cases.count(c, "SELECT count(*) FROM pre_unlogged")))
          .as("an autocommit read of an UNLOGGED table (replicas answer 0A000)")
          .isEqualTo("3");
    }
  }

  /** Calls of pre_bump() that reached a replica while this test's connections are open. */
  static long bumpsTriedOnReplicas() throws SQLException {
    long n = 0;
    for (Node r : cluster.replicas()) {
      try (Connection c = r.connect()) {
        n +=
            Cases.count(
                c,
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = "
                    + BUMP_LOCKS);
      }
    }
    return n;
  }

  @Test
  void case12AReplicaHintedWriteRunsOnThePrimaryOnceAndThenGoesThereDirectly() throws Exception {
    String sql = "/*lagwise:replica*/ SELECT pre_bump()";
    Cases.onPrimary(cluster, "DELETE FROM pre_bumps");
    try (Connection c = Cases.lagwise(cluster)) {
      for (int execution = 1; execution <= 2; execution++) {
        assertThat(Cases.attempt(() -> Cases.count(c, sql)))
            .as("execution %d of %s", execution, sql)
            .isEqualTo("1");
        try (Connection p = cluster.primary().connect()) {
          assertThat(Cases.count(p, "SELECT count(*) FROM pre_bumps"))
              .as("rows inserted on the primary after execution %d (once per execution)", execution)
              .isEqualTo(execution);
        }
        assertThat(bumpsTriedOnReplicas())
            .as("calls that reached a replica after execution %d (only the first one's)", execution)
            .isEqualTo(1);
      }
    }
  }

  /**
   * A stream parameter must survive a retry: the statement first runs on a replica, which rejects
   * it (25006), and runs again on the primary with the stream's full content. The user declares the
   * writing function replica-safe (wrongly) to send it to a replica without a hint. That setting is
   * read when the first connection to a cluster is made in the JVM, hence a database of its own, to
   * which this test makes the first connection.
   */
  @Test
  void case12AStreamParameterSurvivesARetryOnThePrimary() throws Exception {
    String text = "a character stream of forty-two characters";
    byte[] bytes = "and a binary one".getBytes(StandardCharsets.UTF_8);
    String url = in(cluster.lagwiseUrl()) + "?lagwise.replicaSafeFunctions=pre_store";
    try (Connection c = DriverManager.getConnection(url, cluster.user(), cluster.password());
        PreparedStatement ps = c.prepareStatement("SELECT pre_store(?, ?)")) {
      ps.setCharacterStream(1, new StringReader(text));
      ps.setBinaryStream(2, new ByteArrayInputStream(bytes));
      assertThat(
              Cases.attempt(
                  () -> {
                    try (ResultSet rs = ps.executeQuery()) {
                      rs.next();
                      return rs.getInt(1);
                    }
                  }))
          .as("length stored by the statement, retried on the primary after a replica refused it")
          .isEqualTo(String.valueOf(text.length() + bytes.length));
    }
    try (Connection p =
            DriverManager.getConnection(
                in(cluster.primary().jdbcUrl()), cluster.user(), cluster.password());
        Statement s = p.createStatement();
        ResultSet rs = s.executeQuery("SELECT txt, bin FROM pre_stored ORDER BY id")) {
      assertThat(rs.next()).as("a row was stored").isTrue();
      assertThat(rs.getString(1)).as("stored text").isEqualTo(text);
      assertThat(rs.getBytes(2)).as("stored bytes").isEqualTo(bytes);
      assertThat(rs.next()).as("exactly one row").isFalse();
    }
  }

  // ---------------------------------------------------------------- case 13

  @Test
  void case13CancelReachesAStatementRunningOnAReplica() throws Exception {
    String app = "pre-case13";
    try (Connection c = Cases.lagwise(cluster, "ApplicationName=" + app);
        Statement s = c.createStatement()) {
      Cancelled r =
          Cases.cancelWhileRunning(cluster, s, "/*lagwise:replica*/ SELECT pg_sleep(10)", app);
      assertThat(r.ranOn()).as("where the sleep ran").startsWith("replica");
      assertThat(r)
          .as("cancel() of a statement running on a replica (%s)", r)
          .extracting(Cancelled::sqlState, Cancelled::watchdog)
          .containsExactly("57014", false);
      assertThat(r.millisAfterCancel()).as("ms from cancel() to the exception").isLessThan(2000);
    }
  }
}
