package dev.lagwise.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwise.ConsistencyToken;
import dev.lagwise.LagwiseConnection;
import dev.lagwise.NodeStats;
import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Node;
import dev.lagwise.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Split brain on real servers: a replica is promoted while the old primary keeps running and taking
 * writes from someone else. Writes follow the higher timeline; the old primary, the replica still
 * following it, and later the old primary restarted as a standby without pg_rewind (its replay
 * position ahead of the new primary's) serve nothing; tokens of the old timeline are compared as
 * LSNs (docs/consistency.md).
 */
@ReplicatedCluster(replicas = 2, isolated = true)
class PostgresSplitBrainTest {

  Cluster cluster;

  static final String PARAMS =
      "?socketTimeout=5&connectTimeout=2&lagwise.pollInterval=100ms&lagwise.probeTimeout=1s";

  static String hostPort(Node n) {
    return n.host() + ":" + n.port();
  }

  static String text(Node n, String sql) throws SQLException {
    try (Connection c = n.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  static long lsn(Node n, String fn) throws SQLException {
    return Long.parseLong(text(n, "SELECT pg_wal_lsn_diff(" + fn + ", '0/0')::bigint"));
  }

  /** The ids the read saw, as "min max count"; the read runs through {@code c}. */
  static String ids(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT min(id), max(id), count(*) FROM psb_rows")) {
      rs.next();
      return rs.getLong(1) + " " + rs.getLong(2) + " " + rs.getLong(3);
    }
  }

  static NodeStats stats(LagwiseConnection lc, Node n) {
    return lc.stats().nodes().stream()
        .filter(s -> s.host().equals(hostPort(n)))
        .findFirst()
        .orElseThrow();
  }

  static void await(String what, LagwiseConnection lc, Node n, Predicate<NodeStats> p)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!p.test(stats(lc, n))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + ": " + lc.stats().nodes());
      }
      Thread.sleep(50);
    }
  }

  /** Points {@code node}'s primary_conninfo at {@code upstream} and reloads. */
  void follow(Node node, Node upstream) throws SQLException {
    String conninfo =
        "host="
            + upstream.host()
            + " port="
            + upstream.port()
            + " user="
            + cluster.user()
            + " password="
            + cluster.password()
            + " application_name="
            + node.name();
    try (Connection c = node.connect();
        Statement s = c.createStatement()) {
      s.execute("ALTER SYSTEM SET primary_conninfo = '" + conninfo.replace("'", "''") + "'");
      s.execute("SELECT pg_reload_conf()");
    }
  }

  @Test
  void writesFollowTheHigherTimelineAndDivergedHostsServeNothing() throws Exception {
    Node old = cluster.primary();
    Node promoted = cluster.replicas().get(0);
    Node other = cluster.replicas().get(1);
    try (Connection c =
            DriverManager.getConnection(
                cluster.lagwiseUrl() + PARAMS, cluster.user(), cluster.password());
        Statement s = c.createStatement()) {
      LagwiseConnection lc = c.unwrap(LagwiseConnection.class);
      s.execute("CREATE TABLE psb_rows (id int PRIMARY KEY)");
      s.execute("INSERT INTO psb_rows VALUES (1)");
      // A role without pg_read_all_stats: standby timelines from their last checkpoint.
      s.execute("CREATE ROLE psb_plain LOGIN PASSWORD 'plain-secret'");
      s.execute("GRANT SELECT ON psb_rows TO psb_plain");
      cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
      assertThat(text(old, "SELECT timeline_id FROM pg_control_checkpoint()")).isEqualTo("1");

      promoted.promote();
      // Someone else still writes on the old primary, on timeline 1, far beyond the fork.
      try (Connection direct = old.connect();
          Statement d = direct.createStatement()) {
        d.execute("INSERT INTO psb_rows SELECT g FROM generate_series(1000, 20999) g");
      }
      long oldTimelineLsn = lsn(old, "pg_current_wal_lsn()");

      // (1) Writes go to the promoted host once the monitor has seen its timeline, never to the
      // old one, although both accept writes.
      await("old primary DIVERGED", lc, old, n -> n.role().equals("DIVERGED"));
      s.execute("INSERT INTO psb_rows VALUES (2)");
      assertThat(lc.lastNode()).isEqualTo(hostPort(promoted));
      assertThat(text(old, "SELECT count(*) FROM psb_rows WHERE id = 2")).isEqualTo("0");
      assertThat(stats(lc, old).lastError())
          .isEqualTo("diverged: timeline 1, still writable, while the primary is on timeline 2");
      // The other replica still follows the old primary: on timeline 1, it serves nothing.
      await("other replica DIVERGED", lc, other, n -> n.role().equals("DIVERGED"));
      assertThat(stats(lc, other).lastError())
          .isEqualTo("diverged: timeline 1 while the primary is on timeline 2");
      assertThat(lsn(other, "pg_last_wal_replay_lsn()"))
          .as("it replayed the old timeline beyond the new primary's position")
          .isGreaterThan(lsn(promoted, "pg_current_wal_lsn()"));
      for (int i = 0; i < 50; i++) {
        assertThat(ids(c)).isEqualTo("1 2 2");
        assertThat(lc.lastNode()).isEqualTo(hostPort(promoted));
      }

      // (4) A token of the old timeline beyond the new primary's position: compared as an LSN and
      // clamped like any outside token, it sends reads to the new primary (never to a host of the
      // old timeline, never an error).
      assertThat(oldTimelineLsn).isGreaterThan(lsn(promoted, "pg_current_wal_lsn()"));
      try (Connection t =
          DriverManager.getConnection(
              cluster.lagwiseUrl() + PARAMS + "&lagwise.consistency=session",
              cluster.user(),
              cluster.password())) {
        LagwiseConnection tl = t.unwrap(LagwiseConnection.class);
        tl.requireConsistency(ConsistencyToken.postgres(oldTimelineLsn));
        for (int i = 0; i < 20; i++) {
          assertThat(ids(t)).isEqualTo("1 2 2");
          assertThat(tl.lastNode()).isEqualTo(hostPort(promoted));
        }
      }

      // The other replica is pointed at the new primary: refused, since it replayed timeline 1
      // past the fork, it stays DIVERGED; PostgreSQL will not follow timeline 2 from there.
      follow(other, promoted);
      s.execute("INSERT INTO psb_rows VALUES (3)");
      Thread.sleep(2000);
      assertThat(stats(lc, other).role()).isEqualTo("DIVERGED");
      for (int i = 0; i < 20; i++) {
        assertThat(ids(c)).isEqualTo("1 3 3");
        assertThat(lc.lastNode()).isEqualTo(hostPort(promoted));
      }

      // (2) The old primary restarted as a standby of the new one without pg_rewind: in recovery
      // on timeline 1, its replay position ahead of the new primary's. Never a replica to read.
      String dataDir = text(old, "SHOW data_directory");
      try (Connection direct = old.connect();
          Statement d = direct.createStatement()) {
        d.execute("COPY (SELECT 1 WHERE false) TO '" + dataDir + "/standby.signal'");
      }
      follow(old, promoted);
      old.stop();
      old.start();
      assertThat(text(old, "SELECT pg_is_in_recovery()")).isEqualTo("t");
      assertThat(lsn(old, "pg_last_wal_replay_lsn()"))
          .isGreaterThan(lsn(promoted, "pg_current_wal_lsn()"));
      await(
          "old primary back as a diverged standby",
          lc,
          old,
          n -> "diverged: timeline 1 while the primary is on timeline 2".equals(n.lastError()));
      long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      while (System.nanoTime() < until) {
        assertThat(ids(c)).isEqualTo("1 3 3");
        assertThat(lc.lastNode()).isEqualTo(hostPort(promoted));
      }

      // The same view for a role that cannot see received_tli (another monitor: another user).
      try (Connection plain =
          DriverManager.getConnection(cluster.lagwiseUrl() + PARAMS, "psb_plain", "plain-secret")) {
        LagwiseConnection pl = plain.unwrap(LagwiseConnection.class);
        assertThat(ids(plain)).isEqualTo("1 3 3");
        assertThat(pl.lastNode()).isEqualTo(hostPort(promoted));
        assertThat(stats(pl, promoted).role()).isEqualTo("PRIMARY");
        assertThat(stats(pl, old).role()).isEqualTo("DIVERGED");
        assertThat(stats(pl, other).role()).isEqualTo("DIVERGED");
      }
    }
  }
}
