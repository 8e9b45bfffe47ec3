package dev.lagwise.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.lagwise.ConsistencyContext;
import dev.lagwise.ConsistencyToken;
import dev.lagwise.LagwiseConnection;
import dev.lagwise.LagwiseDataSource;
import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Node;
import dev.lagwise.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Read-your-writes and monotonic reads on real servers while one replica's replay is paused and the
 * other applies every transaction 200 ms late. The write/read pair count is {@code
 * -Dlagwise.rywPairs} (default 3000 per test; the 100,000 with {@code
 * -Dlagwise.rywPairs=100000}).
 */
@ReplicatedCluster(replicas = 2)
class PostgresReadYourWritesTest {

  static final int PAIRS = Integer.getInteger("lagwise.rywPairs", 3000);
  static final String TABLE = "ryw_items";

  Cluster cluster;
  Node paused;
  Node delayed;

  @BeforeEach
  void lag() throws SQLException {
    try (Connection c = cluster.primary().connect();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (id bigserial PRIMARY KEY, v bigint)");
    }
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
    paused = cluster.replicas().get(0);
    delayed = cluster.replicas().get(1);
    paused.pauseReplay();
    delayed.setApplyDelay(Duration.ofMillis(200));
  }

  @AfterEach
  void noLag() {
    paused.resumeReplay();
    delayed.setApplyDelay(Duration.ZERO);
  }

  String url(String params) {
    return cluster.lagwiseUrl() + "?lagwise.pollInterval=100ms" + params;
  }

  static String hostPort(Node n) {
    return n.host() + ":" + n.port();
  }

  /** Inserts a row and returns its id. */
  static long insert(Connection c, long v) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("INSERT INTO " + TABLE + " (v) VALUES (?) RETURNING id")) {
      ps.setLong(1, v);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** True when the row is visible to this connection's next read. */
  static boolean sees(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT v FROM " + TABLE + " WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
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
        // Well past the 200 ms apply delay and a poll interval: the delayed replica has this row
        // and the monitor knows it, so it may serve this read.
        Thread.sleep(400);
      }
      if (!sees(c, id)) {
        violations++;
      }
      String node = lw.lastNode();
      if (node.equals(hostPort(paused))) {
        pausedReads++;
      }
      if (!node.endsWith(":" + cluster.primary().port())) {
        replicaReads++;
      }
    }
    return new Outcome(violations, pausedReads, replicaReads);
  }

  @Test
  void aSessionReadsItsOwnWritesUnderLag() throws Exception {
    try (Connection c = DriverManager.getConnection(url(""), cluster.user(), cluster.password())) {
      Outcome o = writeThenRead(c, PAIRS);
      assertThat(o.violations()).as("read-your-writes violations").isZero();
      assertThat(o.pausedReads()).as("reads served by the paused replica").isZero();
      assertThat(o.replicaReads())
          .as("reads the delayed replica served after its 200 ms")
          .isPositive();
    }
    paused.resumeReplay();
    awaitServedBy(paused);
  }

  @Test
  void observedCaptureAlsoReadsItsOwnWritesUnderLag() throws Exception {
    try (Connection c =
        DriverManager.getConnection(
            url("&lagwise.capture=observed"), cluster.user(), cluster.password())) {
      Outcome o = writeThenRead(c, PAIRS);
      assertThat(o.violations()).as("read-your-writes violations").isZero();
      assertThat(o.pausedReads()).as("reads served by the paused replica").isZero();
      assertThat(o.replicaReads()).isPositive();
    }
  }

  @Test
  void observedCaptureCoversPooledConnectionsToo() throws Exception {
    assertThat(pooledViolations("?lagwise.capture=observed"))
        .as("POST then GET on another pooled connection")
        .isZero();
  }

  @Test
  void negativeControlWithoutProtectionReadsStaleData() throws Exception {
    try (Connection c =
        DriverManager.getConnection(
            url("&lagwise.consistency=none&lagwise.maxLag=1h"),
            cluster.user(),
            cluster.password())) {
      Outcome o = writeThenRead(c, Math.min(PAIRS, 300));
      assertThat(o.violations()).as("stale reads with protection off").isPositive();
    }
  }

  @Test
  void aTokenCarriedAsTextGivesReadYourWritesAcrossDataSources() throws Exception {
    // Two application servers: separate data sources, connection-scoped consistency.
    LagwiseDataSource a = dataSource();
    LagwiseDataSource b = dataSource();
    for (int i = 0; i < 50; i++) {
      long id;
      String token;
      try (Connection c = a.getConnection()) {
        id = insert(c, i);
        token = c.unwrap(LagwiseConnection.class).consistencyToken().toString();
      }
      assertThat(token).startsWith("pg:");
      try (Connection c = b.getConnection()) {
        c.unwrap(LagwiseConnection.class).requireConsistency(ConsistencyToken.parse(token));
        assertThat(sees(c, id)).as("pair %d with token %s", i, token).isTrue();
      }
    }
  }

  LagwiseDataSource dataSource() {
    LagwiseDataSource ds = new LagwiseDataSource();
    ds.setUrl(url(""));
    ds.setUser(cluster.user());
    ds.setPassword(cluster.password());
    ds.setConsistency("session");
    return ds;
  }

  @Test
  void aContextCarriesReadYourWritesAcrossPooledConnections() throws Exception {
    LagwiseDataSource ds = dataSource(); // session scope: the context does the work
    for (int i = 0; i < 50; i++) {
      try (ConsistencyContext ctx = ConsistencyContext.open()) {
        long id;
        try (Connection c = ds.getConnection()) {
          id = insert(c, i);
        }
        try (Connection other = ds.getConnection()) {
          assertThat(sees(other, id)).isTrue();
        }
        assertThat(ctx.token()).isNotNull();
      }
    }
  }

  @Test
  void aPooledApplicationSeesItsWriteOnAnotherPooledConnection() throws Exception {
    assertThat(pooledViolations("")) // defaults only
        .as("POST then GET on another pooled connection")
        .isZero();
  }

  /** Through HikariCP: write on one pooled connection, read at once on another. */
  int pooledViolations(String params) throws Exception {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(cluster.lagwiseUrl() + params);
    config.setUsername(cluster.user());
    config.setPassword(cluster.password());
    config.setMaximumPoolSize(4);
    int violations = 0;
    try (HikariDataSource pool = new HikariDataSource(config)) {
      for (int i = 0; i < Math.min(PAIRS, 1000); i++) {
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

  @Test
  void aForgedTokenCanOnlySendReadsToThePrimary() throws Exception {
    paused.resumeReplay();
    delayed.setApplyDelay(Duration.ZERO);
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
    try (Connection c = DriverManager.getConnection(url(""), cluster.user(), cluster.password())) {
      LagwiseConnection lw = c.unwrap(LagwiseConnection.class);
      lw.requireConsistency(ConsistencyToken.parse("pg:7FFFFFFF/FFFFFFFF"));
      // Clamped to the primary's position once the primary has been sampled again: replicas
      // that have replayed it serve reads again.
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      boolean replica = false;
      while (!replica && System.nanoTime() < deadline) {
        try (Statement s = c.createStatement()) {
          s.execute("SELECT 1");
        }
        replica = !lw.lastNode().endsWith(":" + cluster.primary().port());
        Thread.sleep(20);
      }
      assertThat(replica).as("a replica serves again after the clamp").isTrue();
    }
  }

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
                "&lagwise.consistency=none&lagwise.maxLag=1h&lagwise.loadBalance=least-in-flight"))
        .as("with protection off, reads spread over lagging replicas go backwards")
        .isPositive();
  }

  /** A writer inserts rows for 4 s; a reader session counts them; how often the count fell. */
  int countsGoingBackwards(String readerParams) throws Exception {
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicLong written = new AtomicLong();
    String marker = Long.toString(System.nanoTime());
    Thread writer =
        new Thread(
            () -> {
              try (Connection c =
                  DriverManager.getConnection(url(""), cluster.user(), cluster.password())) {
                while (writing.get()) {
                  insert(c, -1);
                  written.incrementAndGet();
                }
              } catch (SQLException e) {
                throw new IllegalStateException(e);
              }
            },
            "writer-" + marker);
    writer.start();
    long previous = -1;
    int backwards = 0;
    int reads = 0;
    try (Connection c =
            DriverManager.getConnection(url(readerParams), cluster.user(), cluster.password());
        PreparedStatement ps =
            c.prepareStatement("SELECT count(*) FROM " + TABLE + " WHERE v = -1")) {
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

  /**
   * A {@code DatabaseMetaData} taken before the session's DDL answers for it afterwards: each of
   * its queries is routed on its own with the session's consistency (PgJDBC's {@code
   * DatabaseMetaDataTest#getFunctionsWithSpecificTypes}). Taken before any write, the metadata had
   * a replica's connection; neither replica has the functions when asked (one paused, one 200 ms
   * late), so a query left there would not find them.
   */
  @Test
  void metadataTakenBeforeTheSessionsDdlSeesIt() throws Exception {
    for (int i = 0; i < 10; i++) {
      try (Connection c =
          DriverManager.getConnection(url(""), cluster.user(), cluster.password())) {
        DatabaseMetaData md = c.getMetaData();
        String fn = "ryw_md_f" + i;
        try (Statement s = c.createStatement()) {
          s.execute(
              "CREATE OR REPLACE FUNCTION " + fn + "(int) RETURNS int AS 'SELECT 1' LANGUAGE sql");
          try (ResultSet rs = md.getFunctions(null, null, fn)) {
            assertThat(rs.next())
                .as("%s is listed by metadata taken before it existed", fn)
                .isTrue();
            assertThat(rs.getString("FUNCTION_NAME")).isEqualTo(fn);
          }
          s.execute("DROP FUNCTION " + fn + "(int)");
          try (ResultSet rs = md.getFunctions(null, null, fn)) {
            assertThat(rs.next()).as("%s dropped", fn).isFalse();
          }
        }
      }
    }
  }

  void awaitServedBy(Node node) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      try (Connection c =
          DriverManager.getConnection(
              url("&lagwise.loadBalance=least-in-flight"), cluster.user(), cluster.password())) {
        try (Statement s = c.createStatement()) {
          s.execute("SELECT 1");
        }
        if (hostPort(node).equals(c.unwrap(LagwiseConnection.class).lastNode())) {
          return;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError(hostPort(node) + " never served a read again");
  }
}
