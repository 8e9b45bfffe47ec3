package dev.lagwise.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lagwise.LagwiseConnection;
import dev.lagwise.LagwiseDataSource;
import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Node;
import dev.lagwise.testkit.ReplicatedCluster;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.jdbc.PgConnection;

/** Plain JDBC through Lagwise against a real primary with two streaming replicas. */
@ReplicatedCluster(replicas = 2)
class PostgresRoutingTest {

  static Cluster cluster;

  @BeforeAll
  static void schema(Cluster c) throws SQLException {
    cluster = c;
    try (Connection p = c.primary().connect();
        Statement s = p.createStatement()) {
      s.execute("DROP TABLE IF EXISTS prt_items, prt_counter");
      s.execute("CREATE TABLE prt_items (id serial PRIMARY KEY, name text)");
      s.execute("CREATE TABLE prt_counter (n int)");
      s.execute(
          "CREATE OR REPLACE FUNCTION prt_bump() RETURNS int LANGUAGE sql VOLATILE AS"
              + " 'INSERT INTO prt_counter VALUES (1) RETURNING 1'");
    }
    c.awaitReplicasCaughtUp(Duration.ofSeconds(30));
  }

  /** Reads right after a write wait (briefly) for a replica to replay it: read-your-writes. */
  static Connection connect(String params) throws SQLException {
    String url =
        cluster.lagwiseUrl()
            + (params.isEmpty() ? "?" : params + "&")
            + "lagwise.waitForReplica=2s";
    return DriverManager.getConnection(url, cluster.user(), cluster.password());
  }

  static boolean inRecovery(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  static int serverPort(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void readsRunOnReplicasAndWritesOnThePrimary() throws SQLException {
    try (Connection c = connect("")) {
      assertThat(inRecovery(c)).isTrue();
      try (Statement s = c.createStatement()) {
        int port = serverPort(s, "SELECT inet_server_port()");
        assertThat(cluster.replicas()).extracting(Node::port).contains(port);
        assertThat(s.executeUpdate("INSERT INTO prt_items (name) VALUES ('a')")).isEqualTo(1);
        assertThat(c.unwrap(LagwiseConnection.class).lastNode())
            .endsWith(":" + cluster.primary().port());
        int lockPort = serverPort(s, "SELECT inet_server_port() FROM prt_items FOR UPDATE");
        assertThat(lockPort).isEqualTo(cluster.primary().port());
        int sequencePort =
            serverPort(s, "SELECT inet_server_port() + 0 * nextval('prt_items_id_seq')");
        assertThat(sequencePort).isEqualTo(cluster.primary().port());
      }
    }
  }

  @Test
  void transactionsStayOnOneNodeAndReadOnlyOnesUseAReplica() throws SQLException {
    try (Connection c = connect("")) {
      c.setAutoCommit(false);
      assertThat(inRecovery(c)).isFalse();
      try (Statement s = c.createStatement()) {
        s.executeUpdate("INSERT INTO prt_items (name) VALUES ('in-tx')");
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM prt_items WHERE name = 'in-tx'")) {
          rs.next();
          assertThat(rs.getInt(1)).as("the transaction reads its own write").isEqualTo(1);
        }
      }
      c.rollback();
      c.setReadOnly(true);
      assertThat(inRecovery(c)).isTrue();
      String node = c.unwrap(LagwiseConnection.class).lastNode();
      assertThat(inRecovery(c)).isTrue();
      assertThat(c.unwrap(LagwiseConnection.class).lastNode()).isEqualTo(node);
      c.commit();
    }
  }

  @Test
  void dataSourceConfiguredWithBeanSetters() throws SQLException {
    LagwiseDataSource ds = new LagwiseDataSource();
    ds.setUrl(cluster.lagwiseUrl());
    ds.setUser(cluster.user());
    ds.setPassword(cluster.password());
    ds.setLoadBalance("least-in-flight");
    assertThat(ds.toString()).doesNotContain(cluster.password());
    try (Connection c = ds.getConnection()) {
      assertThat(inRecovery(c)).isTrue();
    }
  }

  @Test
  void sessionSettingsFollowTheSessionToReplicas() throws SQLException {
    try (Connection c = connect("")) {
      try (Statement s = c.createStatement()) {
        s.execute("UPDATE prt_counter SET n = n");
        s.execute("SET application_name = 'lagwise-replayed'");
        try (ResultSet rs = s.executeQuery("SELECT current_setting('application_name')")) {
          rs.next();
          assertThat(rs.getString(1)).isEqualTo("lagwise-replayed");
        }
        assertThat(inRecovery(c)).isTrue();
      }
      c.setSchema("pg_catalog");
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT current_schema(), pg_is_in_recovery()")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("pg_catalog");
        assertThat(rs.getBoolean(2)).isTrue();
      }
    }
  }

  @Test
  void temporaryTablesPinTheSessionToThePrimary() throws SQLException {
    try (Connection c = connect("");
        Statement s = c.createStatement()) {
      s.execute("CREATE TEMP TABLE prt_scratch (id int)");
      s.execute("INSERT INTO prt_scratch VALUES (1)");
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM prt_scratch")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(1);
      }
      assertThat(c.unwrap(LagwiseConnection.class).isPinnedToPrimary()).isTrue();
      s.execute("DISCARD ALL");
      assertThat(inRecovery(c)).isTrue();
    }
  }

  @Test
  void aReplicaRejectingAWriteMakesTheDriverRetryOnThePrimaryAndRemember() throws SQLException {
    // The user wrongly declares a writing function safe: the replica refuses it (25006).
    try (Connection c = connect("?lagwise.replicaSafeFunctions=prt_bump");
        Statement s = c.createStatement()) {
      for (int i = 0; i < 3; i++) {
        try (ResultSet rs = s.executeQuery("SELECT prt_bump()")) {
          rs.next();
          assertThat(rs.getInt(1)).isEqualTo(1);
        }
        assertThat(c.unwrap(LagwiseConnection.class).lastNode())
            .endsWith(":" + cluster.primary().port());
      }
    }
  }

  @Test
  void preparedStatementsBatchesKeysAndCalls() throws SQLException {
    try (Connection c = connect("")) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO prt_items (name) VALUES (?)", Statement.RETURN_GENERATED_KEYS)) {
        ps.setString(1, "keyed");
        ps.executeUpdate();
        try (ResultSet keys = ps.getGeneratedKeys()) {
          assertThat(keys.next()).isTrue();
          assertThat(keys.getInt(1)).isPositive();
          assertThat(keys.getStatement()).isSameAs(ps);
        }
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO prt_items (name) VALUES (?)")) {
        for (int i = 0; i < 3; i++) {
          ps.setString(1, "batch" + i);
          ps.addBatch();
        }
        assertThat(ps.executeBatch()).containsExactly(1, 1, 1);
      }
      cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT count(*), pg_is_in_recovery() FROM prt_items WHERE name LIKE ?")) {
        ps.setString(1, "batch%");
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.getStatement()).isSameAs(ps);
          rs.next();
          assertThat(rs.getInt(1)).isEqualTo(3);
          assertThat(rs.getBoolean(2)).isTrue();
        }
      }
      try (CallableStatement cs = c.prepareCall("{? = call pg_is_in_recovery()}")) {
        cs.registerOutParameter(1, java.sql.Types.BOOLEAN);
        cs.execute();
        assertThat(cs.getBoolean(1)).as("calls run on the primary").isFalse();
      }
    }
  }

  @Test
  void metadataUnwrapAndPropertyInfo() throws SQLException {
    try (Connection c = connect("")) {
      assertThat(c.getMetaData().getConnection()).isSameAs(c);
      assertThat(c.getMetaData().getDatabaseProductName()).isEqualTo("PostgreSQL");
      assertThat(c.unwrap(PGConnection.class)).as("Lagwise's connection is one").isSameAs(c);
      assertThat(c.unwrap(PGConnection.class).getBackendPID()).isPositive();
      assertThat(c.isWrapperFor(PGConnection.class)).isTrue();
      PgConnection pg = c.unwrap(PgConnection.class);
      try (Statement s = pg.createStatement();
          ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
        rs.next();
        assertThat(rs.getBoolean(1)).as("PgConnection is the primary's").isFalse();
      }
    }
    DriverPropertyInfo[] info =
        DriverManager.getDriver(cluster.lagwiseUrl())
            .getPropertyInfo(cluster.lagwiseUrl(), new Properties());
    assertThat(Arrays.stream(info).map(p -> p.name))
        .contains("lagwise.maxLag", "lagwise.loadBalance", "sslmode", "socketTimeout");
  }

  @Test
  void aWrongPasswordFailsWithoutShowingIt() {
    assertThatThrownBy(
            () -> {
              try (Connection c =
                  DriverManager.getConnection(
                      cluster.lagwiseUrl(), cluster.user(), "not-the-password-42")) {
                inRecovery(c);
              }
            })
        .isInstanceOf(SQLException.class)
        .hasMessageNotContaining("not-the-password-42");
  }

  @Test
  void noReachableHostIsAClearConnectionError() {
    String url = "jdbc:lagwise:postgresql://127.0.0.1:1,127.0.0.1:2/test?lagwise.probeTimeout=1s";
    assertThatThrownBy(() -> DriverManager.getConnection(url, "u", "secret-pw-77"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("127.0.0.1:1")
        .hasMessageContaining("127.0.0.1:2")
        .hasMessageNotContaining("secret-pw-77")
        .extracting(e -> ((SQLException) e).getSQLState())
        .asString()
        .startsWith("08");
  }

  @Test
  void catalogFunctionsDeclaredStableAreReplicaSafe() throws SQLException {
    // A database of its own, so that this is the first connection of its cluster and the
    // catalog is read after the function exists.
    try (Connection p = cluster.primary().connect();
        Statement s = p.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS prt_catalog");
      s.execute("CREATE DATABASE prt_catalog");
    }
    String primaryUrl = cluster.primary().jdbcUrl().replace("/test", "/prt_catalog");
    try (Connection p =
            DriverManager.getConnection(primaryUrl, cluster.user(), cluster.password());
        Statement s = p.createStatement()) {
      s.execute(
          "CREATE FUNCTION prt_stable(x int) RETURNS int LANGUAGE sql STABLE AS 'SELECT x + 1'");
      s.execute(
          "CREATE FUNCTION prt_volatile(x int) RETURNS int LANGUAGE sql VOLATILE AS 'SELECT x'");
    }
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
    String url = cluster.lagwiseUrl().replace("/test", "/prt_catalog");
    try (Connection c = DriverManager.getConnection(url, cluster.user(), cluster.password());
        Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT prt_stable(1), pg_is_in_recovery()")) {
        rs.next();
        assertThat(rs.getBoolean(2)).as("STABLE user function on a replica").isTrue();
      }
      try (ResultSet rs = s.executeQuery("SELECT prt_volatile(1), pg_is_in_recovery()")) {
        rs.next();
        assertThat(rs.getBoolean(2)).as("VOLATILE user function on the primary").isFalse();
      }
    }
  }
}
