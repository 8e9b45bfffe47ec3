package dev.lagwise.it.mysql;

import static dev.lagwise.it.mysql.GtidSupport.hostPort;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.lagwise.ConsistencyContext;
import dev.lagwise.ConsistencyToken;
import dev.lagwise.LagwiseConnection;
import dev.lagwise.LagwiseDataSource;
import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Node;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code PostgresReadYourWritesTest} on a MariaDB primary with two GTID replicas, for one vendor
 * driver (the subclass names its URL scheme): one replica's SQL thread is stopped ({@code STOP
 * SLAVE SQL_THREAD}), the other applies every transaction late ({@code MASTER_DELAY}, 2 s for the 1
 * s asked: whole seconds). Every read after a write must see it; the stopped replica must serve
 * none of them; the delayed one serves them once it has applied them.
 *
 * <p>Shared cluster: tables are named per subclass ({@link #table()}), writes stay in GTID domain 0
 * (a second domain lives in {@link GtidTopologyCases}' cluster of its own).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class GtidReadYourWritesCases {

  /** Apply delay asked of the delayed replica; MariaDB makes it 2 s (see Node#setApplyDelay). */
  static final Duration DELAY = Duration.ofSeconds(1);

  /** Longer than the delay MariaDB applies plus a few poll intervals. */
  static final long PAST_DELAY_MILLIS = 3_000;

  static final int PAIRS = Integer.getInteger("lagwise.mysqlRywPairs", 200);

  Cluster cluster;
  Node paused;
  Node delayed;
  Connection keeper;

  /** {@code mariadb} (MariaDB Connector/J) or {@code mysql} (MySQL Connector/J). */
  abstract String scheme();

  /** A table name of this class's own on the shared cluster. */
  abstract String table();

  String url(String params) {
    return GtidSupport.url(
        cluster,
        scheme(),
        cluster.hostList(),
        "lagwise.pollInterval=100ms" + (params.isEmpty() ? "" : "&" + params));
  }

  Connection connect(String params) throws SQLException {
    return java.sql.DriverManager.getConnection(url(params), cluster.user(), cluster.password());
  }

  @BeforeAll
  void schema() throws SQLException {
    GtidSupport.exec(
        cluster.primary(),
        "DROP TABLE IF EXISTS " + table(),
        "CREATE TABLE "
            + table()
            + " (id BIGINT AUTO_INCREMENT PRIMARY KEY, v BIGINT, KEY (v)) ENGINE=InnoDB");
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
    // A monitor that just woke has no snapshot yet and sends every read to the primary, which
    // would hide what these tests look for: one connection keeps it awake for the whole class.
    keeper = connect("");
  }

  @AfterAll
  void closeKeeper() throws SQLException {
    keeper.close();
  }

  @BeforeEach
  void lag() {
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
    paused = cluster.replicas().get(0);
    delayed = cluster.replicas().get(1);
    paused.pauseReplay();
    delayed.setApplyDelay(DELAY);
  }

  @AfterEach
  void noLag() {
    paused.resumeReplay();
    delayed.setApplyDelay(Duration.ZERO);
  }

  long insert(Connection c, long v) throws SQLException {
    return GtidSupport.insert(c, table(), v);
  }

  boolean sees(Connection c, long id) throws SQLException {
    return GtidSupport.sees(c, table(), id);
  }

  record Outcome(int violations, int pausedReads, int replicaReads) {}

  /** Write then read on one connection, {@code pairs} times. */
  Outcome writeThenRead(Connection c, int pairs) throws Exception {
    int violations = 0;
    int pausedReads = 0;
    int replicaReads = 0;
    LagwiseConnection lw = c.unwrap(LagwiseConnection.class);
    for (int i = 0; i < pairs; i++) {
      long id = insert(c, i);
      if (i % 100 == 99) {
        // Past the apply delay and a poll: the delayed replica has this row and the monitor
        // knows it, so it may serve this read.
        Thread.sleep(PAST_DELAY_MILLIS);
      }
      if (!sees(c, id)) {
        violations++;
      }
      String node = lw.lastNode();
      if (node.equals(hostPort(paused))) {
        pausedReads++;
      }
      if (!node.equals(hostPort(cluster.primary()))) {
        replicaReads++;
      }
    }
    return new Outcome(violations, pausedReads, replicaReads);
  }

  // ---------------------------------------------------------------- one session

  @Test
  void aSessionReadsItsOwnWritesUnderAStoppedAndADelayedReplica() throws Exception {
    try (Connection c = connect("")) {
      Outcome o = writeThenRead(c, PAIRS);
      assertThat(o.violations()).as("read-your-writes violations").isZero();
      assertThat(o.pausedReads()).as("reads served by the stopped replica").isZero();
      assertThat(o.replicaReads())
          .as("reads the delayed replica served once it had applied the write")
          .isPositive();
    }
  }

  @Test
  void observedCaptureAlsoReadsItsOwnWrites() throws Exception {
    try (Connection c = connect("lagwise.capture=observed")) {
      Outcome o = writeThenRead(c, PAIRS);
      assertThat(o.violations()).as("read-your-writes violations").isZero();
      assertThat(o.pausedReads()).as("reads served by the stopped replica").isZero();
      assertThat(o.replicaReads()).isPositive();
    }
  }

  @Test
  void negativeControlWithoutProtectionReadsStaleData() throws Exception {
    try (Connection c = connect("lagwise.consistency=none&lagwise.maxLag=1h")) {
      Outcome o = writeThenRead(c, Math.min(PAIRS, 100));
      assertThat(o.violations()).as("stale reads with protection off").isPositive();
    }
  }

  @Test
  void aWriteLeavesAPortableTokenForThisDriver() throws Exception {
    Map<Long, Long> before = GtidSupport.binlogPos(cluster);
    try (Connection c = connect("lagwise.consistency=session")) {
      insert(c, -7);
      ConsistencyToken token = c.unwrap(LagwiseConnection.class).consistencyToken();
      Map<Long, Long> after = GtidSupport.binlogPos(cluster);
      assertThat(token).as("consistencyToken() after a write").isNotNull();
      String text = token.toString();
      assertThat(text).startsWith("mariadb:");
      assertThat(ConsistencyToken.parse(text)).isEqualTo(token);
      Map<Long, Long> position = GtidSupport.positions(text.substring("mariadb:".length()));
      assertThat(position).as("domains of %s", text).containsOnlyKeys(0L);
      assertThat(position.get(0L))
          .as(
              "%s: after the primary's position before the write %s, at most its position %s",
              text, before, after)
          .isGreaterThan(before.getOrDefault(0L, 0L))
          .isLessThanOrEqualTo(after.get(0L));
    }
  }

  // ---------------------------------------------------------------- across connections

  LagwiseDataSource dataSource(String params) {
    LagwiseDataSource ds = new LagwiseDataSource();
    ds.setUrl(url(params));
    ds.setUser(cluster.user());
    ds.setPassword(cluster.password());
    ds.setConsistency("session");
    return ds;
  }

  @Test
  void aTokenCarriedAsTextGivesReadYourWritesOnAnotherConnection() throws Exception {
    // Two application servers: separate data sources, connection-scoped consistency. The reader
    // accepts any lag, so only the token can keep its reads off the stopped replica.
    LagwiseDataSource a = dataSource("");
    LagwiseDataSource b = dataSource("lagwise.maxLag=1h");
    for (int i = 0; i < 50; i++) {
      long id;
      String token;
      try (Connection c = a.getConnection()) {
        id = insert(c, i);
        ConsistencyToken t = c.unwrap(LagwiseConnection.class).consistencyToken();
        assertThat(t).as("token after write %d", i).isNotNull();
        token = t.toString();
      }
      assertThat(token).startsWith("mariadb:");
      try (Connection c = b.getConnection()) {
        LagwiseConnection lw = c.unwrap(LagwiseConnection.class);
        lw.requireConsistency(ConsistencyToken.parse(token));
        assertThat(sees(c, id)).as("pair %d with token %s", i, token).isTrue();
        assertThat(lw.lastNode()).as("pair %d", i).isNotEqualTo(hostPort(paused));
      }
    }
  }

  @Test
  void negativeControlWithoutTheTokenTheOtherConnectionReadsStaleData() throws Exception {
    LagwiseDataSource a = dataSource("");
    LagwiseDataSource b = dataSource("lagwise.maxLag=1h&lagwise.loadBalance=least-in-flight");
    int stale = 0;
    for (int i = 0; i < 50; i++) {
      long id;
      try (Connection c = a.getConnection()) {
        id = insert(c, i);
      }
      try (Connection c = b.getConnection()) {
        stale += sees(c, id) ? 0 : 1;
      }
    }
    assertThat(stale).as("reads without the carried token that missed the write").isPositive();
  }

  @Test
  void aContextCarriesReadYourWritesAcrossConnections() throws Exception {
    LagwiseDataSource ds = dataSource("lagwise.maxLag=1h"); // the context does the work
    for (int i = 0; i < 50; i++) {
      try (ConsistencyContext ctx = ConsistencyContext.open()) {
        long id;
        try (Connection c = ds.getConnection()) {
          id = insert(c, i);
        }
        try (Connection other = ds.getConnection()) {
          assertThat(sees(other, id)).as("pair %d", i).isTrue();
        }
        assertThat(ctx.token()).isNotNull();
        assertThat(ctx.token().toString()).startsWith("mariadb:");
      }
    }
  }

  @Test
  void aPooledApplicationSeesItsWriteOnAnotherPooledConnection() throws Exception {
    assertThat(pooledViolations("")).as("POST then GET on another pooled connection").isZero();
  }

  @Test
  void observedCaptureCoversPooledConnectionsToo() throws Exception {
    assertThat(pooledViolations("lagwise.capture=observed"))
        .as("POST then GET on another pooled connection")
        .isZero();
  }

  /** Through HikariCP: write on one pooled connection, read at once on another. */
  int pooledViolations(String params) throws Exception {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(GtidSupport.url(cluster, scheme(), cluster.hostList(), params));
    config.setUsername(cluster.user());
    config.setPassword(cluster.password());
    config.setMaximumPoolSize(4);
    int violations = 0;
    try (HikariDataSource pool = new HikariDataSource(config)) {
      for (int i = 0; i < PAIRS; i++) {
        try (Connection post = pool.getConnection();
            Connection get = pool.getConnection()) {
          long id = insert(post, i);
          if (!sees(get, id)) {
            violations++;
          }
        }
      }
    }
    return violations;
  }

  // ---------------------------------------------------------------- waiting, forged tokens

  @Test
  void waitForReplicaServesTheReadFromTheDelayedReplicaOnceItHasApplied() throws Exception {
    try (Connection c = connect("lagwise.waitForReplica=6s&lagwise.maxLag=1h")) {
      LagwiseConnection lw = c.unwrap(LagwiseConnection.class);
      int replicaReads = 0;
      for (int i = 0; i < 3; i++) {
        long id = insert(c, i);
        assertThat(sees(c, id)).as("read %d after its write", i).isTrue();
        assertThat(lw.lastNode()).isNotEqualTo(hostPort(paused));
        replicaReads += lw.lastNode().equals(hostPort(delayed)) ? 1 : 0;
      }
      assertThat(replicaReads)
          .as("reads that waited for the delayed replica (MASTER_GTID_WAIT) instead of the primary")
          .isEqualTo(3);
    }
  }

  @Test
  void aForgedTokenCanOnlySendReadsToThePrimary() throws Exception {
    paused.resumeReplay();
    delayed.setApplyDelay(Duration.ZERO);
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
    try (Connection c = connect("")) {
      LagwiseConnection lw = c.unwrap(LagwiseConnection.class);
      lw.requireConsistency(ConsistencyToken.parse("mariadb:0-1-999999999999"));
      // Clamped to the primary's position once the primary has been sampled again: replicas
      // that have applied it serve reads again.
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      boolean replica = false;
      while (!replica && System.nanoTime() < deadline) {
        try (Statement s = c.createStatement()) {
          s.execute("SELECT 1");
        }
        replica = !lw.lastNode().equals(hostPort(cluster.primary()));
        Thread.sleep(20);
      }
      assertThat(replica).as("a replica serves again after the clamp").isTrue();
    }
  }

  @Test
  void malformedTokensAreRefusedClearly() {
    for (String bad :
        new String[] {"mariadb:", "mariadb:0-1", "mariadb:0-1-x", "mariadb:-0-1-2", "mysql:zz"}) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConsistencyToken.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("consistency token");
    }
  }

  // ---------------------------------------------------------------- monotonic reads

  @Test
  void aSessionNeverSeesTheRowCountGoBackwards() throws Exception {
    assertThat(countsGoingBackwards(""))
        .as("reads that saw fewer rows than an earlier one")
        .isZero();
  }

  @Test
  void negativeControlWithoutProtectionTheRowCountGoesBackwards() throws Exception {
    assertThat(
            countsGoingBackwards(
                "lagwise.consistency=none&lagwise.maxLag=1h&lagwise.loadBalance=least-in-flight"))
        .as("with protection off, reads spread over lagging replicas go backwards")
        .isPositive();
  }

  /** A writer inserts rows for 4 s; a reader session counts them; how often the count fell. */
  int countsGoingBackwards(String readerParams) throws Exception {
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicLong written = new AtomicLong();
    long marker = -System.nanoTime();
    Thread writer =
        new Thread(
            () -> {
              try (Connection c = connect("")) {
                while (writing.get()) {
                  insert(c, marker);
                  written.incrementAndGet();
                  // A steady writer, not a flood: at thousands of commits per second the GTID
                  // ledger's window (docs/consistency.md) drops a 2 s late replica's lag.
                  Thread.sleep(1);
                }
              } catch (SQLException e) {
                throw new IllegalStateException(e);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "writer" + marker);
    writer.start();
    long previous = -1;
    int backwards = 0;
    int reads = 0;
    try (Connection c = connect(readerParams);
        PreparedStatement ps =
            c.prepareStatement("SELECT count(*) FROM " + table() + " WHERE v = ?")) {
      ps.setLong(1, marker);
      long end = System.nanoTime() + Duration.ofSeconds(4).toNanos();
      while (System.nanoTime() < end) {
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          long count = rs.getLong(1);
          if (count < previous) {
            backwards++;
          }
          previous = Math.max(previous, count);
          reads++;
        }
        if (reads % 10 == 0) {
          Thread.sleep(5); // a web-like pace, with gaps
        }
      }
    } finally {
      writing.set(false);
      writer.join();
    }
    assertThat(written.get()).isPositive();
    assertThat(reads).isPositive();
    return backwards;
  }

  // ---------------------------------------------------------------- metadata

  /**
   * A {@code DatabaseMetaData} taken before the session's DDL answers for it afterwards: each of
   * its queries is routed with the session's consistency, and neither replica has the table when
   * asked (one stopped, one late).
   */
  @Test
  void metadataTakenBeforeTheSessionsDdlSeesIt() throws Exception {
    for (int i = 0; i < 5; i++) {
      try (Connection c = connect("")) {
        DatabaseMetaData md = c.getMetaData();
        String name = table() + "_md" + i;
        try (Statement s = c.createStatement()) {
          s.execute("CREATE TABLE " + name + " (id INT PRIMARY KEY)");
          try (ResultSet rs = md.getTables(cluster.database(), null, name, null)) {
            assertThat(rs.next())
                .as("%s is listed by metadata taken before it existed", name)
                .isTrue();
            assertThat(rs.getString("TABLE_NAME")).isEqualTo(name);
          }
          s.execute("DROP TABLE " + name);
          try (ResultSet rs = md.getTables(cluster.database(), null, name, null)) {
            assertThat(rs.next()).as("%s dropped", name).isFalse();
          }
        }
      }
    }
  }
}
