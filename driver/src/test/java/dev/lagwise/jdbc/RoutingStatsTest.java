package dev.lagwise.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lagwise.ConsistencyToken;
import dev.lagwise.LagwiseConnection;
import dev.lagwise.LagwiseDataSource;
import dev.lagwise.LagwiseStats;
import dev.lagwise.NodeStats;
import dev.lagwise.routing.Classification;
import dev.lagwise.routing.RouteReason;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Routing statistics through the real driver classes and {@link StubDriver}: each statement is
 * counted once, on the host that ran it, with the reason routing had.
 */
class RoutingStatsTest {

  private static final AtomicInteger CLUSTERS = new AtomicInteger();
  private String primary;
  private String replica1;
  private String replica2;

  @BeforeEach
  void setUp() throws SQLException {
    StubDriver.install();
    dev.lagwise.Driver.register();
    // A new host list per test (and unlike RoutingTest's): statistics are per cluster per JVM.
    int n = CLUSTERS.incrementAndGet();
    primary = "primarystats" + n + ":5432";
    replica1 = "replicastatsa" + n + ":5432";
    replica2 = "replicastatsb" + n + ":5432";
  }

  private String url(String params) {
    return "jdbc:lagwise:postgresql://"
        + replica1
        + ","
        + primary
        + ","
        + replica2
        + "/shop"
        + params;
  }

  private static Properties properties(String consistency) {
    Properties p = new Properties();
    p.setProperty("user", "app");
    p.setProperty("password", "hunter2");
    p.setProperty("lagwise.consistency", consistency);
    p.setProperty("lagwise.waitForReplica", "0ms");
    return p;
  }

  /** Without read-your-writes: the stub's positions never move. */
  private LagwiseConnection connect(String params) throws SQLException {
    return DriverManager.getConnection(url(params), properties("none"))
        .unwrap(LagwiseConnection.class);
  }

  private static void run(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static Map<RouteReason, Long> reasons(Object... reasonThenCount) {
    Map<RouteReason, Long> m = new EnumMap<>(RouteReason.class);
    for (RouteReason r : RouteReason.values()) {
      m.put(r, 0L);
    }
    for (int i = 0; i < reasonThenCount.length; i += 2) {
      m.put((RouteReason) reasonThenCount[i], ((Number) reasonThenCount[i + 1]).longValue());
    }
    return m;
  }

  private static Map<String, Long> statementsByHost(LagwiseStats stats) {
    Map<String, Long> m = new HashMap<>();
    for (NodeStats n : stats.nodes()) {
      m.put(n.host(), n.statements());
    }
    return m;
  }

  @Test
  void aReadCountsOnItsReplicaAndAWriteOnThePrimary() throws SQLException {
    try (LagwiseConnection c = connect("")) {
      run(c, "SELECT 'r1'");
      String replica = c.lastNode();
      run(c, "SELECT 'r2'");
      run(c, "INSERT INTO t VALUES (1)");
      try (PreparedStatement ps = c.prepareStatement("UPDATE t SET a = ?")) {
        ps.setInt(1, 1);
        ps.executeUpdate();
        ps.addBatch();
        ps.executeBatch();
      }
      LagwiseStats stats = c.stats();
      assertThat(stats.statementsByReason())
          .isEqualTo(reasons(RouteReason.REPLICA, 2, RouteReason.WRITE, 3));
      assertThat(stats.statementsTotal()).isEqualTo(5);
      assertThat(stats.nodes())
          .extracting(NodeStats::host)
          .containsExactly(replica1, primary, replica2);
      assertThat(stats.nodes())
          .extracting(NodeStats::role)
          .containsExactly("REPLICA", "PRIMARY", "REPLICA");
      Map<String, Long> byHost = statementsByHost(stats);
      assertThat(byHost.get(replica)).isEqualTo(2);
      assertThat(byHost.get(primary)).isEqualTo(3);
      assertThat(byHost.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(5);
      NodeStats p = stats.nodes().get(1);
      assertThat(p.lagBytes()).isZero();
      assertThat(p.lagMillis()).isZero();
      assertThat(p.lastError()).isNull();
      NodeStats r = stats.nodes().get(0);
      assertThat(r.lagBytes()).isGreaterThanOrEqualTo(0);
      assertThat(r.lagMillis()).isGreaterThanOrEqualTo(0);
      // The first probe round ran before the first statement.
      assertThat(stats.nodes()).allSatisfy(n -> assertThat(n.probes()).isPositive());
    }
  }

  @Test
  void statementsInATransactionOnThePrimaryCountAsTransaction() throws SQLException {
    try (LagwiseConnection c = connect("")) {
      c.setAutoCommit(false);
      run(c, "SELECT 'in-tx'");
      run(c, "UPDATE t SET a = 1");
      c.commit();
      c.setAutoCommit(true);
      run(c, "BEGIN");
      run(c, "SELECT 'in-sql-tx'");
      run(c, "COMMIT");
      c.setReadOnly(true);
      c.setAutoCommit(false);
      run(c, "SELECT 'read-only-tx'");
      c.commit();
      assertThat(c.stats().statementsByReason())
          .isEqualTo(reasons(RouteReason.TRANSACTION, 5, RouteReason.REPLICA, 1));
    }
  }

  @Test
  void aPinnedSessionsReadsCountAsPinnedAndHintedOnesAsHint() throws SQLException {
    try (LagwiseConnection c = connect("")) {
      run(c, "/*lagwise:primary*/ SELECT 'hinted'");
      run(c, "/*lagwise:replica*/ SELECT 'hinted-replica'");
      run(c, "CREATE TEMP TABLE scratch (id int)");
      run(c, "SELECT 'pinned'");
      run(c, "/*lagwise:primary*/ SELECT 'pinned-and-hinted'");
      assertThat(c.stats().statementsByReason())
          .isEqualTo(
              reasons(
                  RouteReason.HINT, 1,
                  RouteReason.REPLICA, 1,
                  RouteReason.WRITE, 1,
                  RouteReason.PINNED, 2));
    }
  }

  @Test
  void readsOnThePrimaryBecauseNoReplicaIsUpCountAsReplicaDown() throws SQLException {
    StubDriver.DOWN.put(replica1, true);
    StubDriver.DOWN.put(replica2, true);
    try (LagwiseConnection c = connect("")) {
      run(c, "SELECT 'no-replica'");
      assertThat(StubDriver.hostsFor("no-replica")).containsExactly(primary);
      LagwiseStats stats = c.stats();
      assertThat(stats.statementsByReason()).isEqualTo(reasons(RouteReason.REPLICA_DOWN, 1));
      NodeStats down = stats.nodes().get(0);
      assertThat(down.role()).isEqualTo("DOWN");
      assertThat(down.lagBytes()).isEqualTo(-1);
      assertThat(down.lagMillis()).isEqualTo(-1);
      assertThat(down.lastError()).contains("refused").doesNotContain("hunter2");
    }
  }

  @Test
  void readsOnThePrimaryBecauseReplicasLagCountAsLagBound() throws SQLException {
    try (LagwiseConnection c = connect("?lagwise.maxLag=0ms")) {
      run(c, "SELECT 'too-far-behind'");
      assertThat(StubDriver.hostsFor("too-far-behind")).containsExactly(primary);
      assertThat(c.stats().statementsByReason()).isEqualTo(reasons(RouteReason.LAG_BOUND, 1));
    }
  }

  @Test
  void readsOnThePrimaryBecauseNoReplicaHasTheTokenCountAsTokenNotSatisfied() throws SQLException {
    try (LagwiseConnection c =
        DriverManager.getConnection(url("?lagwise.pollInterval=1h"), properties("session"))
            .unwrap(LagwiseConnection.class)) {
      // Ahead of every replica until the primary's next sample clamps it to the primary's position.
      c.requireConsistency(ConsistencyToken.postgres(1 << 20));
      run(c, "SELECT 'needs-token'");
      assertThat(StubDriver.hostsFor("needs-token")).containsExactly(primary);
      assertThat(c.stats().statementsByReason())
          .isEqualTo(reasons(RouteReason.TOKEN_NOT_SATISFIED, 1));
    }
  }

  @Test
  void aReadRetriedOnAnotherReplicaCountsOnceOnTheReplicaThatServedIt() throws SQLException {
    try (LagwiseConnection c = connect("")) {
      run(c, "SELECT 'warm'");
      String first = c.lastNode();
      StubDriver.DOWN.put(first, true);
      run(c, "SELECT 'retried'");
      String second = c.lastNode();
      assertThat(second).isNotEqualTo(first);
      LagwiseStats stats = c.stats();
      assertThat(stats.statementsByReason()).isEqualTo(reasons(RouteReason.REPLICA, 2));
      Map<String, Long> byHost = statementsByHost(stats);
      assertThat(byHost.get(first)).isEqualTo(1);
      assertThat(byHost.get(second)).isEqualTo(1);
    }
  }

  @Test
  void failedStatementsAreNotCounted() throws SQLException {
    try (LagwiseConnection c = connect("")) {
      StubDriver.DOWN.put(primary, true);
      assertThatThrownBy(() -> run(c, "UPDATE t SET a = 1")).isInstanceOf(SQLException.class);
      assertThat(c.stats().statementsTotal()).isZero();
    }
  }

  @Test
  void statsAreSharedByEveryConnectionAndTheDataSourceAndOutliveConnections() throws SQLException {
    LagwiseDataSource ds = new LagwiseDataSource();
    ds.setUrl(url(""));
    ds.setUser("app");
    ds.setPassword("hunter2");
    ds.setConsistency("none");
    assertThatThrownBy(ds::stats)
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("no connection to it is open")
        .hasMessageContaining(primary)
        .hasMessageNotContaining("hunter2")
        .extracting(e -> ((SQLException) e).getSQLState())
        .isEqualTo("HY010");
    LagwiseConnection a;
    try (LagwiseConnection c = connect("")) {
      a = c;
      run(c, "SELECT 1");
    }
    try (Connection c = ds.getConnection()) {
      run(c, "INSERT INTO t VALUES (1)");
    }
    assertThat(ds.stats().statementsByReason())
        .isEqualTo(reasons(RouteReason.REPLICA, 1, RouteReason.WRITE, 1));
    assertThat(a.stats().statementsTotal()).isEqualTo(2);
  }

  @Test
  void theClusterMBeanIsRegisteredAndReadable() throws Exception {
    try (LagwiseConnection c = connect("")) {
      run(c, "SELECT 1");
      run(c, "UPDATE t SET a = 1");
    }
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name =
        new ObjectName(
            "dev.lagwise:type=Cluster,name="
                + ObjectName.quote(replica1 + "," + primary + "," + replica2 + "/shop"));
    assertThat(server.isRegistered(name)).isTrue();
    assertThat(server.getAttribute(name, "StatementsTotal")).isEqualTo(2L);
    TabularData byReason = (TabularData) server.getAttribute(name, "StatementsByReason");
    Map<String, Long> m = new HashMap<>();
    for (Object row : byReason.values()) {
      CompositeData d = (CompositeData) row;
      m.put((String) d.get("key"), (Long) d.get("value"));
    }
    assertThat(m).hasSize(RouteReason.values().length);
    assertThat(m).containsEntry("REPLICA", 1L).containsEntry("WRITE", 1L);
    String[] nodes = (String[]) server.getAttribute(name, "Nodes");
    assertThat(List.of(nodes)).hasSize(3);
    assertThat(nodes[1]).startsWith(primary + " PRIMARY lag 0 B 0 ms statements 1 probes ");
    assertThat(String.join("\n", nodes)).doesNotContain("hunter2");
  }

  @Test
  void theSameHostsUnderAnotherUserGetTheirOwnMBean() throws Exception {
    try (LagwiseConnection c = connect("")) {
      run(c, "SELECT 1");
    }
    Properties other = properties("none");
    other.setProperty("user", "reporting");
    try (Connection c = DriverManager.getConnection(url(""), other)) {
      run(c, "SELECT 2");
      run(c, "SELECT 3");
    }
    ObjectName name =
        new ObjectName(
            "dev.lagwise:type=Cluster,name="
                + ObjectName.quote(replica1 + "," + primary + "," + replica2 + "/shop")
                + ",user="
                + ObjectName.quote("reporting"));
    assertThat(ManagementFactory.getPlatformMBeanServer().getAttribute(name, "StatementsTotal"))
        .isEqualTo(2L);
  }

  /**
   * Routing and counting a statement whose classification is cached allocates nothing, on the
   * replica path and on the fallback path that works out why no replica qualified.
   */
  @Test
  void routingAndCountingAllocateNothing() throws Exception {
    for (String params : new String[] {"", "?lagwise.maxLag=0ms"}) {
      try (LagwiseConnection c = connect(params)) {
        LogicalConnection lc = (LogicalConnection) c;
        String sql = "SELECT * FROM t WHERE id = 1";
        Classification read = lc.classify(sql);
        String hinted = "/*lagwise:primary*/ SELECT 1";
        Classification hint = lc.classify(hinted);
        int rounds = 200_000;
        long counted = c.stats().statementsTotal();
        allocatedBytes();
        routeAndCount(lc, read, sql, hint, hinted, rounds);
        long before = allocatedBytes();
        routeAndCount(lc, read, sql, hint, hinted, rounds);
        long bytes = allocatedBytes() - before;
        // Any allocation per statement would be >= 16 bytes each: 6.4 MB here. The measurement
        // itself allocates a few KB.
        assertThat(bytes)
            .as("bytes allocated for %d statements with '%s'", 2 * rounds, params)
            .isLessThan(64 * 1024);
        // Both settings share one cluster: its statistics are per cluster, not per URL.
        assertThat(c.stats().statementsTotal() - counted).isEqualTo(4L * rounds);
      }
    }
  }

  private static void routeAndCount(
      LogicalConnection lc, Classification a, String sqlA, Classification b, String sqlB, int n)
      throws SQLException {
    for (int i = 0; i < n; i++) {
      lc.router.route(a);
      lc.router.executed();
      lc.router.route(b);
      lc.router.executed();
    }
  }

  private static long allocatedBytes() throws JMException {
    return (Long)
        ManagementFactory.getPlatformMBeanServer()
            .invoke(
                new ObjectName(ManagementFactory.THREAD_MXBEAN_NAME),
                "getThreadAllocatedBytes",
                new Object[] {Thread.currentThread().getId()},
                new String[] {"long"});
  }
}
