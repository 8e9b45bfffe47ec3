package dev.lagwise.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Engine;
import dev.lagwise.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link PostgresReportedStateTest}'s comparisons with MariaDB Connector/J alone where they apply:
 * each scenario runs on a vendor connection to the primary and on Lagwise.
 */
@ReplicatedCluster(engine = Engine.MARIADB, replicas = 2)
class MariaDbReportedStateTest {

  static Cluster cluster;
  static Connection keeper;

  @BeforeAll
  static void setUp(Cluster c) throws SQLException {
    cluster = c;
    keeper = lagwise("");
  }

  @AfterAll
  static void close() throws SQLException {
    keeper.close();
  }

  static Connection lagwise(String params) throws SQLException {
    String url = cluster.lagwiseUrl() + "?lagwise.maxLag=1h" + params;
    return DriverManager.getConnection(url, cluster.user(), cluster.password());
  }

  @FunctionalInterface
  interface Scenario {
    void run(Connection c, List<String> seen) throws SQLException;
  }

  static void likeConnectorJ(String params, Scenario scenario) throws SQLException {
    List<String> expected = new ArrayList<>();
    String vendorUrl = cluster.primary().jdbcUrl() + (params.isEmpty() ? "" : "?" + params);
    try (Connection c =
        DriverManager.getConnection(vendorUrl, cluster.user(), cluster.password())) {
      scenario.run(c, expected);
    }
    List<String> actual = new ArrayList<>();
    try (Connection c = lagwise(params.isEmpty() ? "" : "&" + params)) {
      scenario.run(c, actual);
    }
    assertThat(actual).as("Lagwise, then Connector/J alone").isEqualTo(expected);
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

  @Test
  void isolationFollowsSqlThatSetsIt() throws Exception {
    likeConnectorJ(
        "",
        (c, seen) -> {
          seen.add("default " + c.getTransactionIsolation());
          run(c, "SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE");
          seen.add("session " + c.getTransactionIsolation());
          seen.add("read " + one(c, "SELECT @@tx_isolation"));
          c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
          seen.add("jdbc " + c.getTransactionIsolation());
          run(c, "SET @@session.tx_isolation = 'REPEATABLE-READ'");
          seen.add("variable " + c.getTransactionIsolation());
          seen.add("read " + one(c, "SELECT @@tx_isolation"));
          // The next transaction only.
          c.setAutoCommit(false);
          run(c, "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE");
          seen.add("next " + c.getTransactionIsolation());
          seen.add("read next " + one(c, "SELECT @@tx_isolation"));
          seen.add("in transaction " + c.getTransactionIsolation());
          c.commit();
          seen.add("after commit " + c.getTransactionIsolation());
          seen.add("read after commit " + one(c, "SELECT @@tx_isolation"));
          c.setAutoCommit(true);
        });
  }

  @Test
  void fetchSizeDefaultsToDefaultFetchSize() throws Exception {
    likeConnectorJ(
        "defaultFetchSize=17",
        (c, seen) -> {
          try (Statement s = c.createStatement();
              PreparedStatement ps = c.prepareStatement("SELECT 1")) {
            seen.add("statement " + s.getFetchSize());
            seen.add("prepared " + ps.getFetchSize());
          }
        });
  }

  @Test
  void closeOnCompletionWaitsForTheLastResultSet() throws Exception {
    likeConnectorJ(
        "allowMultiQueries=true",
        (c, seen) -> {
          try (Statement s = c.createStatement()) {
            s.closeOnCompletion();
            seen.add("first " + s.execute("SELECT 1; SELECT 2"));
            s.getResultSet().close();
            seen.add("after first " + s.isClosed());
            if (s.isClosed()) {
              return; // Connector/J 3.5 closes after the first: Lagwise does as it does
            }
            seen.add("more " + s.getMoreResults());
            ResultSet second = s.getResultSet();
            second.next();
            seen.add("second " + second.getInt(1));
            second.close();
            seen.add("after second " + s.isClosed());
          }
        });
  }

  @Test
  void preparedStatementToStringShowsItsParameters() throws Exception {
    likeConnectorJ(
        "",
        (c, seen) -> {
          one(c, "SELECT 1"); // Lagwise: a vendor connection is open
          try (PreparedStatement ps = c.prepareStatement("SELECT ?, ?")) {
            ps.setInt(1, 41);
            ps.setString(2, "it's");
            seen.add(ps.toString().replaceAll("@[0-9a-f]+", "@"));
          }
        });
  }

  @Test
  void metadataReportsTheLagwiseUrl() throws Exception {
    try (Connection c = lagwise("")) {
      assertThat(c.getMetaData().getURL()).isEqualTo(cluster.lagwiseUrl() + "?lagwise.maxLag=1h");
      assertThat(c.getMetaData().getConnection()).isSameAs(c);
    }
  }

  /**
   * A prepared statement refuses other SQL as Connector/J's does, for every SQL-string method; an
   * unknown client-info name is kept without a warning; result-set arguments JDBC does not define
   * are accepted.
   */
  @Test
  void preparedStatementsClientInfoAndResultSetArgumentsAsConnectorJ() throws Exception {
    likeConnectorJ(
        "",
        (c, seen) -> {
          for (String sql : new String[] {"SELECT 1", "DELETE FROM mrs_none WHERE 1 = 0"}) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
              seen.add(outcome(() -> ps.executeQuery("SELECT 2")));
              seen.add(outcome(() -> ps.executeUpdate("DO 1")));
              seen.add(outcome(() -> ps.executeUpdate("DO 1", Statement.NO_GENERATED_KEYS)));
              seen.add(outcome(() -> ps.executeLargeUpdate("DO 1")));
              seen.add(outcome(() -> ps.execute("DO 1")));
              seen.add(outcome(() -> ps.execute("DO 1", new String[] {"id"})));
              seen.add(outcome(() -> ps.addBatch("DO 1")));
            }
          }
          c.setClientInfo("NonexistentClientInfoName", "NoValue");
          seen.add("warnings " + (c.getWarnings() != null));
          seen.add("info " + c.getClientInfo("NonexistentClientInfoName"));
          seen.add(outcome(() -> c.createStatement(-1, -1, -1).close()));
          seen.add(outcome(() -> c.prepareStatement("SELECT 1", 1003, 1007, -1).close()));
        });
  }

  interface Call {
    void run() throws SQLException;
  }

  static String outcome(Call call) {
    try {
      call.run();
      return "ok";
    } catch (SQLException e) {
      // Connector/J prefixes its connection's id, which differs between the two connections.
      String message = e.getMessage().replaceFirst("^\\(conn=\\d+\\) ", "");
      return e.getClass().getName() + " " + e.getSQLState() + " " + message;
    }
  }
}
