package dev.lagwise.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwise.LagwiseConnection;
import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a Lagwise connection reports about itself matches what PgJDBC alone reports after the same
 * calls (issue 8, group 6): each scenario runs on a raw PgJDBC connection to the primary and on a
 * Lagwise connection to the cluster, and their observations must be equal.
 */
@ReplicatedCluster(replicas = 2)
class PostgresReportedStateTest {

  static Cluster cluster;
  static Connection keeper;

  @BeforeAll
  static void setUp(Cluster c) throws SQLException {
    cluster = c;
    // The monitor idles while no connection is open; a fresh one sends reads to the primary.
    keeper = lagwise("");
    try (Connection p = c.primary().connect();
        Statement s = p.createStatement()) {
      s.execute("DROP TABLE IF EXISTS prs_dates");
      s.execute("CREATE TABLE prs_dates (id int PRIMARY KEY, d date)");
    }
    c.awaitReplicasCaughtUp(Duration.ofSeconds(30));
  }

  @AfterAll
  static void close() throws SQLException {
    keeper.close();
  }

  static Connection lagwise(String params) throws SQLException {
    String url = cluster.lagwiseUrl() + "?lagwise.maxLag=1h" + params;
    return DriverManager.getConnection(url, cluster.user(), cluster.password());
  }

  static Connection vendor(String params) throws SQLException {
    String url = cluster.primary().jdbcUrl() + "?" + params;
    return DriverManager.getConnection(url, cluster.user(), cluster.password());
  }

  @FunctionalInterface
  interface Scenario {
    void run(Connection c, List<String> seen) throws SQLException;
  }

  /** Runs {@code scenario} on PgJDBC alone and on Lagwise; their observations must be equal. */
  static List<String> likePgJdbc(String params, Scenario scenario) throws SQLException {
    List<String> expected = new ArrayList<>();
    try (Connection c = vendor(params)) {
      scenario.run(c, expected);
    }
    List<String> actual = new ArrayList<>();
    try (Connection c = lagwise(params.isEmpty() ? "" : "&" + params)) {
      scenario.run(c, actual);
    }
    assertThat(actual).as("Lagwise, then PgJDBC alone").isEqualTo(expected);
    return actual;
  }

  static String primary() {
    return cluster.primary().host() + ":" + cluster.primary().port();
  }

  static String lastNode(Connection c) throws SQLException {
    LagwiseConnection lc = c.unwrap(LagwiseConnection.class);
    return lc.lastNode();
  }

  static void run(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  static String one(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  // ---------------------------------------------------------------- isolation

  @Test
  void isolationFollowsSqlThatSetsIt() throws Exception {
    likePgJdbc(
        "",
        (c, seen) -> {
          seen.add("default " + c.getTransactionIsolation());
          run(c, "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL REPEATABLE READ");
          seen.add("characteristics " + c.getTransactionIsolation());
          c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
          seen.add("jdbc " + c.getTransactionIsolation());
          run(c, "SET default_transaction_isolation = 'serializable'");
          seen.add("default_transaction_isolation " + c.getTransactionIsolation());
          seen.add("read " + one(c, "SHOW transaction_isolation"));
          run(c, "RESET default_transaction_isolation");
          seen.add("reset " + c.getTransactionIsolation());
          c.setAutoCommit(false);
          run(c, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
          seen.add("in transaction " + c.getTransactionIsolation());
          seen.add("read in transaction " + one(c, "SHOW transaction_isolation"));
          c.commit();
          seen.add("after commit " + c.getTransactionIsolation());
          run(c, "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE");
          c.rollback();
          seen.add("rolled back " + c.getTransactionIsolation());
          c.setAutoCommit(true);
        });
  }

  /** Replicas refuse serializable: a session that SQL made serializable reads on the primary. */
  @Test
  void serializableSetBySqlReadsOnThePrimary() throws Exception {
    try (Connection c = lagwise("")) {
      one(c, "SELECT 1");
      assertThat(lastNode(c)).as("a plain read goes to a replica").isNotEqualTo(primary());
      run(c, "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE");
      assertThat(one(c, "SHOW transaction_isolation")).isEqualTo("serializable");
      assertThat(lastNode(c)).isEqualTo(primary());
      run(c, "SET default_transaction_isolation TO 'read committed'");
      // Reads on the primary raised what the session must see: a replica serves once the monitor
      // has seen it catch up.
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      do {
        assertThat(one(c, "SHOW transaction_isolation")).isEqualTo("read committed");
      } while (lastNode(c).equals(primary()) && System.nanoTime() < deadline);
      assertThat(lastNode(c)).as("read committed again: replicas serve").isNotEqualTo(primary());
      run(c, "SET default_transaction_isolation TO serializable");
      assertThat(one(c, "SELECT 2")).isEqualTo("2");
      assertThat(lastNode(c)).isEqualTo(primary());
    }
  }

  /** Read-only transactions that ask for serializable in SQL start on the primary. */
  @Test
  void readOnlyTransactionsAskingForSerializableStartOnThePrimary() throws Exception {
    try (Connection c = lagwise("")) {
      c.setReadOnly(true);
      c.setAutoCommit(false);
      run(c, "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE");
      assertThat(one(c, "SELECT count(*) > 0 FROM pg_class")).isEqualTo("t");
      assertThat(c.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_SERIALIZABLE);
      assertThat(lastNode(c)).isEqualTo(primary());
      c.commit();
      assertThat(c.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
    }
    try (Connection c = lagwise("")) {
      run(c, "START TRANSACTION READ ONLY ISOLATION LEVEL SERIALIZABLE");
      assertThat(one(c, "SELECT count(*) > 0 FROM pg_class")).isEqualTo("t");
      assertThat(c.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_SERIALIZABLE);
      run(c, "COMMIT");
      assertThat(lastNode(c)).isEqualTo(primary());
    }
  }

  // ---------------------------------------------------------------- client info, fetch size

  @Test
  void applicationNameFollowsSetApplicationName() throws Exception {
    likePgJdbc(
        "ApplicationName=prs-url",
        (c, seen) -> {
          seen.add(c.getClientInfo("ApplicationName"));
          run(c, "SET application_name = 'prs-sql'");
          seen.add(c.getClientInfo("ApplicationName"));
          seen.add(c.getClientInfo().getProperty("ApplicationName"));
          c.setClientInfo("ApplicationName", "prs-jdbc");
          seen.add(c.getClientInfo("ApplicationName"));
          seen.add(one(c, "SHOW application_name"));
        });
  }

  @Test
  void fetchSizeDefaultsToDefaultRowFetchSize() throws Exception {
    likePgJdbc(
        "defaultRowFetchSize=17",
        (c, seen) -> {
          try (Statement s = c.createStatement();
              PreparedStatement ps = c.prepareStatement("SELECT 1");
              Statement s2 = c.createStatement()) {
            seen.add("statement " + s.getFetchSize());
            seen.add("prepared " + ps.getFetchSize());
            try (ResultSet rs = ps.executeQuery()) {
              seen.add("result set " + rs.getFetchSize());
            }
            s2.setFetchSize(0);
            seen.add("set to 0 " + s2.getFetchSize());
          }
        });
  }

  // ---------------------------------------------------------------- the objects handed out

  @Test
  void metadataAndStatementsAnswerLagwiseObjects() throws Exception {
    String url = cluster.lagwiseUrl() + "?lagwise.maxLag=1h";
    try (Connection c = DriverManager.getConnection(url, cluster.user(), cluster.password());
        Statement s = c.createStatement();
        PreparedStatement ps = c.prepareStatement("SELECT 1")) {
      DatabaseMetaData md = c.getMetaData();
      assertThat(md.getURL()).isEqualTo(url);
      assertThat(md.getConnection()).isSameAs(c);
      assertThat(s.getConnection()).isSameAs(c);
      assertThat(ps.getConnection()).isSameAs(c);
      try (ResultSet rs = s.executeQuery("SELECT 1")) {
        assertThat(rs.getStatement()).isSameAs(s);
      }
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.getStatement()).isSameAs(ps);
      }
    }
    // Credentials in the URL's user info: the URL is reported without the password.
    String withUserInfo =
        url.replace(
            "jdbc:lagwise:postgresql://",
            "jdbc:lagwise:postgresql://" + cluster.user() + ":" + cluster.password() + "@");
    try (Connection c = DriverManager.getConnection(withUserInfo)) {
      String reported = c.getMetaData().getURL();
      assertThat(reported)
          .startsWith("jdbc:lagwise:postgresql://")
          .doesNotContain(cluster.password());
      assertThat(reported)
          .endsWith(cluster.hostList() + "/" + cluster.database() + "?lagwise.maxLag=1h");
    }
  }

  @Test
  void closeOnCompletionWaitsForTheLastResultSet() throws Exception {
    likePgJdbc(
        "",
        (c, seen) -> {
          try (Statement s = c.createStatement()) {
            s.closeOnCompletion();
            seen.add("first " + s.execute("SELECT 1; SELECT 2"));
            ResultSet first = s.getResultSet();
            first.close();
            seen.add("after first " + s.isClosed());
            seen.add("more " + s.getMoreResults());
            ResultSet second = s.getResultSet();
            second.next();
            seen.add("second " + second.getInt(1));
            second.close();
            seen.add("after second " + s.isClosed());
          }
          try (Statement s = c.createStatement()) {
            s.closeOnCompletion();
            s.executeQuery("SELECT 1").close();
            seen.add("single " + s.isClosed());
          }
        });
  }

  // ---------------------------------------------------------------- prepared statements

  @Test
  void preparedStatementToStringShowsItsParameters() throws Exception {
    likePgJdbc(
        "",
        (c, seen) -> {
          try (PreparedStatement fresh = c.prepareStatement("SELECT ?::int")) {
            seen.add(fresh.toString());
          }
          one(c, "SELECT 1"); // Lagwise: a vendor connection is open
          try (PreparedStatement ps =
              c.prepareStatement("SELECT ?::int + 1, ?::text, ?::date, ?::text")) {
            seen.add(ps.toString());
            ps.setInt(1, 41);
            ps.setString(2, "it's");
            ps.setNull(3, Types.DATE);
            seen.add("bound before running " + ps);
            ps.setString(4, "x");
            ps.executeQuery().close();
            seen.add("after running " + ps);
            ps.setInt(1, 7);
            seen.add("bound again " + ps);
          }
          try (PreparedStatement write =
                  c.prepareStatement("INSERT INTO prs_dates VALUES (?, ?) ON CONFLICT DO NOTHING");
              PreparedStatement call = c.prepareCall("SELECT upper(?)")) {
            write.setInt(1, 99);
            write.setDate(2, java.sql.Date.valueOf("2024-02-29"));
            seen.add("write " + write);
            call.setString(1, "x");
            seen.add("call " + call);
          }
        });
  }

  @Test
  void parameterMetaDataFollowsTheBoundTypes() throws Exception {
    likePgJdbc(
        "",
        (c, seen) -> {
          try (PreparedStatement ps = c.prepareStatement("INSERT INTO prs_dates VALUES (?, ?)")) {
            ps.setInt(1, 1);
            ps.setNull(2, Types.DATE);
            seen.add(ps.getParameterMetaData().getParameterTypeName(2));
          }
          try (PreparedStatement ps = c.prepareStatement("SELECT ?")) {
            ps.setNull(1, Types.DATE);
            seen.add(ps.getParameterMetaData().getParameterTypeName(1));
          }
        });
  }
}
