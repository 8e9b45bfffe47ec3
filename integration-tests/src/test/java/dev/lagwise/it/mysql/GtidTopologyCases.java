package dev.lagwise.it.mysql;

import static dev.lagwise.it.mysql.GtidSupport.hostPort;
import static dev.lagwise.it.mysql.GtidSupport.queryLong;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lagwise.ConsistencyToken;
import dev.lagwise.LagwiseConnection;
import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Node;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What a MariaDB cluster can do that a PostgreSQL one cannot, for one vendor driver (the subclass
 * names its URL scheme and gives it a cluster of its own): GTIDs in two domains, a replica without
 * {@code read_only}, and two writable nodes.
 *
 * <p>A cluster of its own because these tests leave it changed for good: a second GTID domain in
 * every position, possibly a replica that accepted a write of its own, and at the end a promoted
 * replica. The order is fixed so that the promotion comes last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class GtidTopologyCases {

  /**
   * Testkit's administrative user (testkit's {@code MariaDbSql.ADMIN_USER}): the application user
   * lacks READ_ONLY ADMIN, which {@code SET GLOBAL read_only} needs, and testkit has no call for
   * it.
   */
  static final String ADMIN_USER = "lagwise_admin";

  static final String ADMIN_PASSWORD = "lagwise-admin-secret";

  Cluster cluster;

  /** {@code mariadb} (MariaDB Connector/J) or {@code mysql} (MySQL Connector/J). */
  abstract String scheme();

  static final String TABLE = "topo_items";

  @BeforeAll
  void schema() throws SQLException {
    GtidSupport.exec(
        cluster.primary(),
        "CREATE TABLE "
            + TABLE
            + " (id BIGINT AUTO_INCREMENT PRIMARY KEY, v BIGINT, run VARCHAR(40), port INT)");
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
  }

  Connection connect(String params) throws SQLException {
    return connect(cluster.hostList(), params);
  }

  Connection connect(String hostList, String params) throws SQLException {
    String url =
        GtidSupport.url(
            cluster,
            scheme(),
            hostList,
            "lagwise.pollInterval=100ms" + (params.isEmpty() ? "" : "&" + params));
    return DriverManager.getConnection(url, cluster.user(), cluster.password());
  }

  static void admin(Node node, String sql) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", ADMIN_USER);
    p.setProperty("password", ADMIN_PASSWORD);
    try (Connection c = DriverManager.getConnection("jdbc:mariadb://" + hostPort(node) + "/", p);
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  static void domain(Connection c, int domain) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SET SESSION gtid_domain_id = " + domain);
    }
  }

  long insert(Connection c, long v) throws SQLException {
    return GtidSupport.insert(c, TABLE, v);
  }

  boolean sees(Connection c, long id) throws SQLException {
    return GtidSupport.sees(c, TABLE, id);
  }

  static Map<Long, Long> tokenPositions(ConsistencyToken token) {
    assertThat(token).as("consistency token").isNotNull();
    String text = token.toString();
    assertThat(text).startsWith("mariadb:");
    return GtidSupport.positions(text.substring("mariadb:".length()));
  }

  // ---------------------------------------------------------------- two GTID domains

  @Test
  @Order(1)
  void writesInTwoDomainsAreReadBackUnderAStoppedAndADelayedReplica() throws Exception {
    Node paused = cluster.replicas().get(0);
    Node delayed = cluster.replicas().get(1);
    Map<Long, Long> before = GtidSupport.binlogPos(cluster);
    int violations = 0;
    int pausedReads = 0;
    int delayedReads = 0;
    ConsistencyToken token;
    paused.pauseReplay();
    delayed.setApplyDelay(Duration.ofSeconds(1)); // MASTER_DELAY=2
    try (Connection c = connect("lagwise.consistency=session")) {
      LagwiseConnection lw = c.unwrap(LagwiseConnection.class);
      for (int i = 0; i < 20; i++) {
        domain(c, i % 2);
        long id = insert(c, i);
        if (i % 10 == 9) {
          Thread.sleep(3_000); // past the delay: the delayed replica may serve this read
        }
        violations += sees(c, id) ? 0 : 1;
        pausedReads += lw.lastNode().equals(hostPort(paused)) ? 1 : 0;
        delayedReads += lw.lastNode().equals(hostPort(delayed)) ? 1 : 0;
      }
      token = lw.consistencyToken();
    } finally {
      paused.resumeReplay();
      delayed.setApplyDelay(Duration.ZERO);
    }
    Map<Long, Long> after = GtidSupport.binlogPos(cluster);
    assertThat(violations).as("read-your-writes violations across two domains").isZero();
    assertThat(pausedReads).as("reads served by the stopped replica").isZero();
    assertThat(delayedReads)
        .as("reads the delayed replica served once it had applied")
        .isPositive();
    Map<Long, Long> position = tokenPositions(token);
    assertThat(position).as("domains of %s", token).containsOnlyKeys(0L, 1L);
    for (long d : new long[] {0, 1}) {
      assertThat(position.get(d))
          .as(
              "domain %d of %s: past the primary's %s before, at most its %s after",
              d, token, before, after)
          .isGreaterThan(before.getOrDefault(d, 0L))
          .isLessThanOrEqualTo(after.get(d));
    }
  }

  /**
   * Both replicas stopped after they applied everything in domain 0: a write in domain 1 must not
   * be taken as applied because the replicas are current in domain 0. The reads accept any lag, so
   * only the token keeps them off the replicas.
   */
  @Test
  @Order(2)
  void aReplicaCurrentInDomainZeroIsNotFreshForAWriteInDomainOne() throws Exception {
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
    for (Node r : cluster.replicas()) {
      r.pauseReplay();
    }
    int violations = 0;
    int replicaReads = 0;
    try (Connection c = connect("lagwise.consistency=session&lagwise.maxLag=1h")) {
      LagwiseConnection lw = c.unwrap(LagwiseConnection.class);
      for (int i = 0; i < 10; i++) {
        domain(c, 1);
        long id = insert(c, i);
        domain(c, 0);
        violations += sees(c, id) ? 0 : 1;
        replicaReads += lw.lastNode().equals(hostPort(cluster.primary())) ? 0 : 1;
      }
    } finally {
      for (Node r : cluster.replicas()) {
        r.resumeReplay();
      }
    }
    assertThat(violations).as("reads that missed a domain-1 write").isZero();
    assertThat(replicaReads).as("reads served by a stopped replica").isZero();
  }

  @Test
  @Order(3)
  void aTwoDomainTokenCarriedAsTextGivesReadYourWritesOnAnotherConnection() throws Exception {
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
    for (Node r : cluster.replicas()) {
      r.pauseReplay();
    }
    try {
      long id0;
      long id1;
      String text;
      try (Connection w = connect("lagwise.consistency=session")) {
        domain(w, 0);
        id0 = insert(w, 100);
        domain(w, 1);
        id1 = insert(w, 101);
        ConsistencyToken token = w.unwrap(LagwiseConnection.class).consistencyToken();
        assertThat((Object) token).as("token after writes in domains 0 and 1").isNotNull();
        text = token.toString();
      }
      assertThat(tokenPositions(ConsistencyToken.parse(text))).containsOnlyKeys(0L, 1L);
      assertThat(ConsistencyToken.parse(text).toString()).as("round trip").isEqualTo(text);
      try (Connection r = connect("lagwise.consistency=session&lagwise.maxLag=1h")) {
        r.unwrap(LagwiseConnection.class).requireConsistency(ConsistencyToken.parse(text));
        assertThat(sees(r, id0)).as("domain-0 row with %s", text).isTrue();
        assertThat(sees(r, id1)).as("domain-1 row with %s", text).isTrue();
      }
      // Without the token, the same reader reads the stopped replicas: the check above can fail.
      try (Connection r = connect("lagwise.consistency=session&lagwise.maxLag=1h")) {
        assertThat(sees(r, id1)).as("negative control: no token, stopped replicas").isFalse();
      }
    } finally {
      for (Node r : cluster.replicas()) {
        r.resumeReplay();
      }
    }
  }

  // ---------------------------------------------------------------- a replica without read_only

  /**
   * A replica whose {@code read_only} is off (the server default) is still a replica: it
   * replicates. Listed first in the URL, it must get none of 50 writes.
   */
  @Test
  @Order(4)
  void aReplicaWithoutReadOnlyIsStillAReplica() throws Exception {
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
    Node writable = cluster.replicas().get(0);
    Node other = cluster.replicas().get(1);
    Node primary = cluster.primary();
    String run = "ro-off-" + scheme() + "-" + System.nanoTime();
    String hosts = hostPort(writable) + "," + hostPort(primary) + "," + hostPort(other);
    admin(writable, "SET GLOBAL read_only=0");
    List<String> misrouted = new ArrayList<>();
    boolean writableServedReads = false;
    long slowest = 0;
    try {
      try (Connection c = connect(hosts, "lagwise.loadBalance=round-robin");
          PreparedStatement ps =
              c.prepareStatement("INSERT INTO " + TABLE + " (run, port) VALUES (?, @@port)")) {
        LagwiseConnection lw = c.unwrap(LagwiseConnection.class);
        for (int i = 0; i < 50; i++) {
          ps.setString(1, run);
          try {
            long start = System.nanoTime();
            int count = ps.executeUpdate();
            slowest = Math.max(slowest, System.nanoTime() - start);
            if (count != 1 || !lw.lastNode().equals(hostPort(primary))) {
              misrouted.add("write " + i + " on " + lw.lastNode() + " updated " + count);
            }
          } catch (SQLException e) {
            misrouted.add("write " + i + " failed: " + e.getMessage());
          }
        }
      }
      cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
      // A round-robin connection keeps its replica: each try is a new connection, and the
      // connections take the replicas in turn.
      for (int i = 0; i < 40 && !writableServedReads; i++) {
        try (Connection c = connect(hosts, "lagwise.loadBalance=round-robin");
            Statement s = c.createStatement()) {
          writableServedReads = queryLong(s, "SELECT @@port") == writable.port();
        }
      }
      try (Connection p = primary.connect();
          Statement s = p.createStatement()) {
        assertThat(misrouted).as("writes not on the primary %s", hostPort(primary)).isEmpty();
        assertThat(
                queryLong(
                    s,
                    "SELECT count(*) FROM "
                        + TABLE
                        + " WHERE run = '"
                        + run
                        + "' AND port = "
                        + primary.port()))
            .as(
                "rows the primary executed; rows of the run by executing port on the primary: %s,"
                    + " on %s: %s; slowest write %d ms",
                rowsByPort(primary, run),
                hostPort(writable),
                rowsByPort(writable, run),
                slowest / 1_000_000)
            .isEqualTo(50);
      }
      try (Connection r = writable.connect();
          Statement s = r.createStatement()) {
        assertThat(queryLong(s, "SELECT count(*) FROM " + TABLE + " WHERE run = '" + run + "'"))
            .as("rows on the replica, through replication")
            .isEqualTo(50);
        assertThat(
                queryLong(s, "SELECT count(*) FROM " + TABLE + " WHERE port = " + writable.port()))
            .as("rows the replica executed itself")
            .isZero();
      }
      assertThat(writableServedReads)
          .as("the replica without read_only still serves reads")
          .isTrue();
    } finally {
      admin(writable, "SET GLOBAL read_only=1");
    }
  }

  static String rowsByPort(Node node, String run) throws SQLException {
    StringBuilder b = new StringBuilder();
    try (Connection c = node.connect();
        Statement s = c.createStatement();
        java.sql.ResultSet rs =
            s.executeQuery(
                "SELECT port, count(*) FROM "
                    + TABLE
                    + " WHERE run = '"
                    + run
                    + "' GROUP BY port")) {
      while (rs.next()) {
        b.append(rs.getInt(1)).append('=').append(rs.getLong(2)).append(' ');
      }
    }
    return b.toString();
  }

  // ---------------------------------------------------------------- two primaries

  /**
   * A replica made writable and cut off from the primary ({@code STOP SLAVE; RESET SLAVE ALL; SET
   * GLOBAL read_only=0}), then both written to directly: two nodes look like a primary. Writes fail
   * with an 08 error naming both; no read is served by either of them (the remaining replica, which
   * still follows the old primary, may serve it).
   */
  @Test
  @Order(10)
  void twoWritableNodesRefuseWritesNamingBothAndNoReadGoesToEither() throws Exception {
    Node old = cluster.primary();
    Node promoted = cluster.replicas().get(0);
    String both = hostPort(old) + " and " + hostPort(promoted);
    int writesOnPromoted = 0;
    SQLException refused = null;
    try (Connection before = connect("")) {
      insert(before, 1);
      promoted.promote();
      GtidSupport.exec(old, "INSERT INTO " + TABLE + " (v) VALUES (-1)");
      GtidSupport.exec(promoted, "INSERT INTO " + TABLE + " (v) VALUES (-2)");
      // The connection opened before the split: its writes must start failing within a few polls,
      // and none may be guessed onto the new writable node meanwhile.
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (refused == null && System.nanoTime() < deadline) {
        try {
          insert(before, 2);
          writesOnPromoted +=
              before.unwrap(LagwiseConnection.class).lastNode().equals(hostPort(promoted)) ? 1 : 0;
          Thread.sleep(100);
        } catch (SQLException e) {
          refused = e;
        }
      }
    }
    assertThat(writesOnPromoted).as("writes guessed onto %s", hostPort(promoted)).isZero();
    assertSplitError(refused, "a write on a connection opened before the split");
    SQLException fresh =
        catchThrowableOfType(
            () -> {
              try (Connection c = connect("")) {
                insert(c, 3);
              }
            },
            SQLException.class);
    assertSplitError(fresh, "a write on a new connection");
    List<String> readsOnWritable = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      try (Connection c = connect("");
          Statement s = c.createStatement()) {
        long port = queryLong(s, "SELECT @@port FROM " + TABLE + " LIMIT 1");
        if (port == old.port() || port == promoted.port()) {
          readsOnWritable.add("read " + i + " on port " + port);
        }
      } catch (SQLException e) {
        assertSplitError(e, "read " + i);
      }
    }
    assertThat(readsOnWritable).as("reads served by one of %s", both).isEmpty();
  }

  void assertSplitError(SQLException e, String what) {
    assertThat((Object) e).as("%s: refused", what).isNotNull();
    assertThat(e.getSQLState()).as("%s: SQLState of %s", what, e).startsWith("08");
    assertThat(e.getMessage())
        .as("%s: names both writable nodes", what)
        .contains(hostPort(cluster.nodes().get(0)))
        .contains(hostPort(cluster.nodes().get(1)))
        .doesNotContain(cluster.password());
  }
}
