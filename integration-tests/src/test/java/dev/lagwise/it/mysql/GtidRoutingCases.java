package dev.lagwise.it.mysql;

import static dev.lagwise.it.mysql.GtidSupport.hostPort;
import static dev.lagwise.it.mysql.GtidSupport.queryLong;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lagwise.LagwiseConnection;
import dev.lagwise.LagwiseDataSource;
import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Node;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code PostgresRoutingTest}, {@code PostgresMaxLagTest} and {@code MariaDbRoutingTest} on a
 * MariaDB primary with two GTID replicas, for one vendor driver (the subclass names its URL
 * scheme). Which server ran a statement is read from the statement itself ({@code @@port}) or from
 * {@link LagwiseConnection#lastNode()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class GtidRoutingCases {

  static final Duration MAX_LAG = Duration.ofMillis(800);
  static final Duration POLL = Duration.ofMillis(100);

  Cluster cluster;
  Connection keeper;

  /** {@code mariadb} (MariaDB Connector/J) or {@code mysql} (MySQL Connector/J). */
  abstract String scheme();

  /** A prefix of this class's own for table and routine names on the shared cluster. */
  abstract String prefix();

  /** What {@code DatabaseMetaData.getDatabaseProductName()} of this vendor driver says. */
  abstract String productName();

  /** The vendor driver's connection interface, which Lagwise's connection also implements. */
  abstract Class<? extends Connection> vendorConnection();

  String items() {
    return prefix() + "_items";
  }

  String counter() {
    return prefix() + "_counter";
  }

  String bump() {
    return prefix() + "_bump";
  }

  @BeforeAll
  void schema() throws SQLException {
    GtidSupport.exec(
        cluster.primary(),
        "DROP TABLE IF EXISTS " + items() + ", " + counter(),
        "DROP FUNCTION IF EXISTS " + bump(),
        "CREATE TABLE " + items() + " (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(64))",
        "CREATE TABLE " + counter() + " (n INT)",
        "INSERT INTO " + items() + " (name) VALUES ('seed')",
        "CREATE FUNCTION "
            + bump()
            + "() RETURNS INT MODIFIES SQL DATA DETERMINISTIC BEGIN INSERT INTO "
            + counter()
            + " VALUES (1); RETURN 1; END");
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
    keeper =
        connect(""); // keeps the cluster's monitor awake: a fresh one sends reads to the primary
  }

  @AfterAll
  void closeKeeper() throws SQLException {
    keeper.close();
  }

  String url(String params) {
    return GtidSupport.url(cluster, scheme(), cluster.hostList(), params);
  }

  /** Reads right after a write wait (briefly) for a replica to apply it: read-your-writes. */
  Connection connect(String params) throws SQLException {
    return DriverManager.getConnection(
        url("lagwise.waitForReplica=2s" + (params.isEmpty() ? "" : "&" + params)),
        cluster.user(),
        cluster.password());
  }

  List<Integer> replicaPorts() {
    return cluster.replicas().stream().map(Node::port).collect(Collectors.toList());
  }

  int primaryPort() {
    return cluster.primary().port();
  }

  static int port(Statement s, String sql) throws SQLException {
    return (int) queryLong(s, sql);
  }

  // ---------------------------------------------------------------- reads and writes

  @Test
  void readsRunOnReplicasAndWritesOnThePrimary() throws SQLException {
    try (Connection c = connect("");
        Statement s = c.createStatement()) {
      assertThat(replicaPorts()).contains(port(s, "SELECT @@port"));
      assertThat(s.executeUpdate("INSERT INTO " + items() + " (name) VALUES ('a')")).isEqualTo(1);
      assertThat(c.unwrap(LagwiseConnection.class).lastNode())
          .isEqualTo(hostPort(cluster.primary()));
      assertThat(port(s, "SELECT @@port FROM " + items() + " WHERE name = 'a' LIMIT 1"))
          .as("read after the write, on a replica that applied it")
          .isIn(replicaPorts());
      assertThat(port(s, "SELECT @@port FROM " + items() + " LIMIT 1 FOR UPDATE"))
          .isEqualTo(primaryPort());
      assertThat(port(s, "SELECT @@port FROM " + items() + " LIMIT 1 LOCK IN SHARE MODE"))
          .isEqualTo(primaryPort());
      assertThat(port(s, "SELECT @@port + 0 * LAST_INSERT_ID()")).isEqualTo(primaryPort());
      assertThat(port(s, "SELECT @@port + 0 * GET_LOCK('" + prefix() + "', 0)"))
          .isEqualTo(primaryPort());
      s.execute("DO RELEASE_LOCK('" + prefix() + "')");
    }
  }

  /**
   * The same hosts in another order are the same cluster (one monitor): the order must not change
   * where a statement runs, nor what {@code lastNode()} says. The keeper's connection, primary
   * first, made this cluster's monitor; this one lists the primary last.
   */
  @Test
  void aUrlListingTheHostsInAnotherOrderRoutesTheSame() throws SQLException {
    List<Node> nodes = cluster.nodes();
    String reversed =
        hostPort(nodes.get(2)) + "," + hostPort(nodes.get(1)) + "," + hostPort(nodes.get(0));
    String marker = "reordered-" + System.nanoTime();
    try (Connection c =
            DriverManager.getConnection(
                GtidSupport.url(cluster, scheme(), reversed, "lagwise.waitForReplica=2s"),
                cluster.user(),
                cluster.password());
        Statement s = c.createStatement()) {
      LagwiseConnection lw = c.unwrap(LagwiseConnection.class);
      for (int i = 0; i < 5; i++) {
        int port = port(s, "SELECT @@port");
        assertThat(lw.lastNode())
            .as("lastNode() of read %d on port %d", i, port)
            .endsWith(":" + port);
        assertThat(port).isIn(replicaPorts());
      }
      assertThat(s.executeUpdate("INSERT INTO " + items() + " (name) VALUES ('" + marker + "')"))
          .isEqualTo(1);
      assertThat(lw.lastNode())
          .as("lastNode() of the write")
          .isEqualTo(hostPort(cluster.primary()));
    } catch (SQLException e) {
      throw new AssertionError("with the hosts listed as " + reversed + ": " + e, e);
    }
    try (Connection p = cluster.primary().connect();
        Statement s = p.createStatement()) {
      assertThat(queryLong(s, "SELECT count(*) FROM " + items() + " WHERE name = '" + marker + "'"))
          .as("the write is on the primary")
          .isEqualTo(1);
    }
  }

  @Test
  void hintsAndExecutableComments() throws SQLException {
    try (Connection c = connect("");
        Statement s = c.createStatement()) {
      assertThat(port(s, "/*lagwise:primary*/ SELECT @@port")).isEqualTo(primaryPort());
      assertThat(port(s, "/*lagwise:replica*/ SELECT @@port")).isIn(replicaPorts());
      // An executable comment's content counts: this is a locking read.
      assertThat(port(s, "SELECT @@port FROM " + items() + " LIMIT 1 /*!50000 FOR UPDATE */"))
          .isEqualTo(primaryPort());
      assertThat(port(s, "# a comment\nSELECT @@port")).isIn(replicaPorts());
    }
  }

  @Test
  void mostPlainReadsAreServedByReplicasOnAHealthyCluster() throws SQLException {
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
    int onReplicas = 0;
    int total = 400;
    // No waitForReplica here: with unknown positions each read would wait it out first.
    try (Connection c = DriverManager.getConnection(url(""), cluster.user(), cluster.password());
        PreparedStatement ps =
            c.prepareStatement("SELECT name, @@port FROM " + items() + " WHERE id = ?")) {
      ps.setInt(1, 1);
      LagwiseConnection lw = c.unwrap(LagwiseConnection.class);
      for (int i = 0; i < total; i++) {
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString(1)).isEqualTo("seed");
          boolean replica = replicaPorts().contains(rs.getInt(2));
          assertThat(replica)
              .as("lastNode() agrees with @@port")
              .isEqualTo(!lw.lastNode().equals(hostPort(cluster.primary())));
          onReplicas += replica ? 1 : 0;
        }
      }
    }
    System.out.println(scheme() + ": " + onReplicas + " of " + total + " plain reads on replicas");
    assertThat(onReplicas * 100 / total)
        .as("%% of %d plain reads on replicas", total)
        .isGreaterThanOrEqualTo(95);
  }

  // ---------------------------------------------------------------- transactions

  @Test
  void transactionsStayOnOneNodeAndReadOnlyOnesUseAReplica() throws SQLException {
    try (Connection c = connect("")) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        assertThat(port(s, "SELECT @@port")).isEqualTo(primaryPort());
        s.executeUpdate("INSERT INTO " + items() + " (name) VALUES ('in-tx')");
        assertThat(queryLong(s, "SELECT count(*) FROM " + items() + " WHERE name = 'in-tx'"))
            .as("the transaction reads its own write")
            .isEqualTo(1);
      }
      c.rollback();
      c.setReadOnly(true);
      try (Statement s = c.createStatement()) {
        int first = port(s, "SELECT @@port");
        assertThat(first).isIn(replicaPorts());
        assertThat(port(s, "SELECT @@port"))
            .as("same node for the whole transaction")
            .isEqualTo(first);
      }
      c.commit();
      c.setReadOnly(false);
      c.setAutoCommit(true);
      try (Statement s = c.createStatement()) {
        assertThat(queryLong(s, "SELECT count(*) FROM " + items() + " WHERE name = 'in-tx'"))
            .as("rolled back")
            .isZero();
      }
    }
  }

  @Test
  void sqlTransactionsFollowTheSameRules() throws SQLException {
    try (Connection c = connect("");
        Statement s = c.createStatement()) {
      s.execute("START TRANSACTION READ ONLY");
      int first = port(s, "SELECT @@port");
      assertThat(first).isIn(replicaPorts());
      assertThat(port(s, "SELECT @@port")).isEqualTo(first);
      s.execute("COMMIT");
      s.execute("BEGIN");
      assertThat(port(s, "SELECT @@port")).isEqualTo(primaryPort());
      s.execute("ROLLBACK");
      assertThat(port(s, "SELECT @@port")).isIn(replicaPorts());
    }
  }

  @Test
  void setReadOnlyOutsideATransactionSendsReadsToReplicasAndStillWritesNothingThere()
      throws SQLException {
    try (Connection c = connect("")) {
      c.setReadOnly(true);
      try (Statement s = c.createStatement()) {
        assertThat(port(s, "SELECT @@port")).isIn(replicaPorts());
      }
      c.setReadOnly(false);
      try (Statement s = c.createStatement()) {
        s.executeUpdate("INSERT INTO " + items() + " (name) VALUES ('after-ro')");
        assertThat(c.unwrap(LagwiseConnection.class).lastNode())
            .isEqualTo(hostPort(cluster.primary()));
      }
    }
  }

  // ---------------------------------------------------------------- session state

  @Test
  void sessionSettingsFollowTheSessionToReplicas() throws SQLException {
    try (Connection c = connect("");
        Statement s = c.createStatement()) {
      s.execute("UPDATE " + counter() + " SET n = n");
      s.execute("SET time_zone = '+05:30'");
      try (ResultSet rs = s.executeQuery("SELECT @@session.time_zone, @@port")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("+05:30");
        assertThat(rs.getInt(2)).isIn(replicaPorts());
      }
    }
  }

  @Test
  void temporaryTablesPinTheSessionToThePrimary() throws SQLException {
    try (Connection c = connect("");
        Statement s = c.createStatement()) {
      s.execute("CREATE TEMPORARY TABLE " + prefix() + "_scratch (id INT)");
      s.execute("INSERT INTO " + prefix() + "_scratch VALUES (1)");
      assertThat(queryLong(s, "SELECT count(*) FROM " + prefix() + "_scratch")).isEqualTo(1);
      assertThat(c.unwrap(LagwiseConnection.class).isPinnedToPrimary()).isTrue();
      assertThat(port(s, "SELECT @@port")).isEqualTo(primaryPort());
    }
  }

  @Test
  void aReplicaRejectingAWriteMakesTheDriverRetryOnThePrimary() throws SQLException {
    // The user wrongly declares a writing function safe: the read-only replica refuses it.
    try (Connection c = connect("lagwise.replicaSafeFunctions=" + bump());
        Statement s = c.createStatement()) {
      for (int i = 0; i < 3; i++) {
        assertThat(queryLong(s, "SELECT " + bump() + "()")).isEqualTo(1);
        assertThat(c.unwrap(LagwiseConnection.class).lastNode())
            .isEqualTo(hostPort(cluster.primary()));
      }
    }
  }

  // ---------------------------------------------------------------- JDBC surface

  @Test
  void preparedStatementsBatchesKeysAndCalls() throws SQLException {
    try (Connection c = connect("")) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO " + items() + " (name) VALUES (?)", Statement.RETURN_GENERATED_KEYS)) {
        ps.setString(1, "keyed");
        ps.executeUpdate();
        try (ResultSet keys = ps.getGeneratedKeys()) {
          assertThat(keys.next()).isTrue();
          assertThat(keys.getLong(1)).isPositive();
        }
      }
      String batch = "batch-" + System.nanoTime();
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO " + items() + " (name) VALUES (?)")) {
        for (int i = 0; i < 3; i++) {
          ps.setString(1, batch);
          ps.addBatch();
        }
        assertThat(ps.executeBatch()).hasSize(3);
      }
      cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
      try (PreparedStatement ps =
          c.prepareStatement("SELECT count(*), @@port FROM " + items() + " WHERE name = ?")) {
        ps.setString(1, batch);
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.getStatement()).isSameAs(ps);
          rs.next();
          assertThat(rs.getInt(1)).isEqualTo(3);
          assertThat(rs.getInt(2)).isIn(replicaPorts());
        }
      }
      try (CallableStatement cs = c.prepareCall("{? = call " + bump() + "()}")) {
        cs.registerOutParameter(1, java.sql.Types.INTEGER);
        cs.execute();
        assertThat(cs.getInt(1)).isEqualTo(1);
        assertThat(c.unwrap(LagwiseConnection.class).lastNode())
            .as("calls run on the primary")
            .isEqualTo(hostPort(cluster.primary()));
      }
    }
  }

  @Test
  void dataSourceConfiguredWithBeanSetters() throws SQLException {
    LagwiseDataSource ds = new LagwiseDataSource();
    ds.setUrl(url(""));
    ds.setUser(cluster.user());
    ds.setPassword(cluster.password());
    ds.setLoadBalance("least-in-flight");
    assertThat(ds.toString()).doesNotContain(cluster.password());
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      assertThat(port(s, "SELECT @@port")).isIn(replicaPorts());
    }
  }

  @Test
  void metadataAndUnwrap() throws SQLException {
    try (Connection c = connect("")) {
      assertThat(c.getMetaData().getConnection()).isSameAs(c);
      assertThat(c.getMetaData().getDatabaseProductName()).isEqualTo(productName());
      assertThat(c.isWrapperFor(vendorConnection())).isTrue();
      assertThat(c.unwrap(LagwiseConnection.class)).isNotNull();
    }
  }

  @Test
  void aWrongPasswordFailsWithoutShowingIt() {
    assertThatThrownBy(
            () -> {
              try (Connection c =
                      DriverManager.getConnection(url(""), cluster.user(), "not-the-password-42");
                  Statement s = c.createStatement()) {
                s.execute("SELECT 1");
              }
            })
        .isInstanceOf(SQLException.class)
        .hasMessageNotContaining("not-the-password-42");
  }

  @Test
  void noReachableHostIsAClearConnectionError() {
    String url =
        "jdbc:lagwise:" + scheme() + "://127.0.0.1:1,127.0.0.1:2/test?lagwise.probeTimeout=1s";
    assertThatThrownBy(() -> DriverManager.getConnection(url, "u", "secret-pw-77"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("127.0.0.1:1")
        .hasMessageContaining("127.0.0.1:2")
        .hasMessageNotContaining("secret-pw-77")
        .extracting(e -> ((SQLException) e).getSQLState())
        .asString()
        .startsWith("08");
  }

  // ---------------------------------------------------------------- bounded staleness

  String readOnce(String params) throws SQLException {
    try (Connection c =
            DriverManager.getConnection(url(params), cluster.user(), cluster.password());
        Statement s = c.createStatement()) {
      s.execute("SELECT 1");
      return c.unwrap(LagwiseConnection.class).lastNode();
    }
  }

  @Test
  void aReplicaPastMaxLagStopsServingReadsAndComesBackWhenCaughtUp() throws Exception {
    String params =
        "lagwise.maxLag="
            + MAX_LAG.toMillis()
            + "ms&lagwise.pollInterval="
            + POLL.toMillis()
            + "ms&lagwise.loadBalance=least-in-flight";
    Node paused = cluster.replicas().get(0);
    AtomicBoolean writing = new AtomicBoolean(true);
    Thread writer =
        new Thread(
            () -> {
              try (Connection c = cluster.primary().connect();
                  Statement s = c.createStatement()) {
                while (writing.get()) {
                  s.execute("INSERT INTO " + counter() + " VALUES (2)");
                  Thread.sleep(20);
                }
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    writer.start();
    boolean back = false;
    try {
      paused.pauseReplay();
      try {
        Thread.sleep(MAX_LAG.plus(POLL).plusMillis(300).toMillis());
        for (int i = 0; i < 30; i++) {
          assertThat(readOnce(params))
              .as("read %d after the bound", i)
              .isNotEqualTo(hostPort(paused));
        }
      } finally {
        paused.resumeReplay();
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (!back && System.nanoTime() < deadline) {
        back = hostPort(paused).equals(readOnce(params));
      }
    } finally {
      writing.set(false);
      writer.join();
    }
    assertThat(back).as("the caught-up replica serves reads again").isTrue();
  }

  @Test
  void bothReplicasWithinTheBoundServe() throws Exception {
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
    boolean[] seen = new boolean[2];
    for (int i = 0; i < 40 && !(seen[0] && seen[1]); i++) {
      String node = readOnce("lagwise.loadBalance=round-robin");
      for (int r = 0; r < 2; r++) {
        seen[r] |= hostPort(cluster.replicas().get(r)).equals(node);
      }
    }
    assertThat(seen).containsOnly(true);
  }
}
