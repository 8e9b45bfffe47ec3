package dev.lagwise.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Engine;
import dev.lagwise.testkit.Node;
import dev.lagwise.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link PostgresConnectionLifecycleTest} and {@link PostgresValidationTest} where MariaDB
 * Connector/J behaves the same, with its SQLStates: cancel reaches the running query, a closed
 * statement is not a dead connection, a killed connection that held the transaction closes the
 * logical connection, and getConnection fails when no host accepts the credentials.
 */
@ReplicatedCluster(engine = Engine.MARIADB, replicas = 2)
class MariaDbConnectionLifecycleTest {

  static Cluster cluster;

  @BeforeAll
  static void setUp(Cluster c) throws SQLException {
    cluster = c;
    try (Connection p = c.primary().connect();
        Statement s = p.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS mcl_items (id int)");
    }
    c.awaitReplicasCaughtUp(Duration.ofSeconds(30));
  }

  static Connection connect() throws SQLException {
    return DriverManager.getConnection(
        cluster.lagwiseUrl() + "?socketTimeout=30000&lagwise.waitForReplica=2s",
        cluster.user(),
        cluster.password());
  }

  static long value(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static Node node(long port) {
    return cluster.nodes().stream().filter(n -> n.port() == port).findFirst().orElseThrow();
  }

  static SQLException cancelled(Statement s, String sql) throws Exception {
    CompletableFuture<SQLException> running =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                s.execute(sql);
                return null;
              } catch (SQLException e) {
                return e;
              }
            });
    Thread.sleep(700);
    s.cancel();
    SQLException e = running.get(5, TimeUnit.SECONDS);
    assertThat((Object) e).as("the running query fails").isNotNull();
    return e;
  }

  @Test
  void cancelReachesAQueryOnAReplicaAndOnThePrimary() throws Exception {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      c.setReadOnly(true);
      c.setAutoCommit(false);
      assertThat(value(s, "SELECT @@port")).isNotEqualTo(cluster.primary().port());
      assertThat(cancelled(s, "SELECT SLEEP(20)").getSQLState()).isEqualTo("70100");
      c.rollback();
      c.setAutoCommit(true);
      c.setReadOnly(false);
      assertThat(cancelled(s, "/*lagwise:primary*/ SELECT SLEEP(20)").getSQLState())
          .isEqualTo("70100");
    }
  }

  @Test
  void aClosedStatementIsNotADeadConnection() throws Exception {
    Connection c = connect();
    Statement s = c.createStatement();
    s.close();
    assertThatThrownBy(() -> s.execute("SELECT 1"))
        .hasMessage("Cannot do an operation on a closed statement")
        .extracting(x -> ((SQLException) x).getSQLState())
        .isEqualTo("42000");
    c.close();
    assertThatThrownBy(c::createStatement)
        .extracting(x -> ((SQLException) x).getSQLState())
        .asString()
        .startsWith("08");
  }

  @Test
  void losingTheTransactionsConnectionClosesTheLogicalConnection() throws Exception {
    Connection c = connect();
    try (Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.executeUpdate("INSERT INTO mcl_items VALUES (1)");
      long id = value(s, "SELECT CONNECTION_ID()");
      try (Connection direct = cluster.primary().connect();
          Statement k = direct.createStatement()) {
        k.execute("KILL " + id);
      }
      assertThatThrownBy(() -> s.execute("SELECT 1")).isInstanceOf(SQLException.class);
      assertThat(c.isClosed()).isTrue();
      assertThat(c.isValid(2)).isFalse();
      assertThatThrownBy(c::commit)
          .extracting(x -> ((SQLException) x).getSQLState())
          .asString()
          .startsWith("08");
      c.close();
    }
    awaitPrimaryBackInRouting();
  }

  /**
   * A killed session fails with a socket error, which takes its host out of routing until the
   * monitor's probe (run at once) finds it answering: the next test must not see that window.
   */
  static void awaitPrimaryBackInRouting() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      try (Connection c = connect();
          Statement s = c.createStatement()) {
        s.executeUpdate("INSERT INTO mcl_items VALUES (0)");
        return;
      } catch (SQLException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }

  /**
   * Connector/J answers false for a killed connection, and pools evict on false: so does Lagwise.
   */
  @Test
  void inAutocommitAKilledConnectionMakesIsValidFalse() throws Exception {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      long id = value(s, "/*lagwise:primary*/ SELECT CONNECTION_ID()");
      try (Connection direct = cluster.primary().connect();
          Statement k = direct.createStatement()) {
        k.execute("KILL " + id);
      }
      assertThat(c.isValid(2)).isFalse();
      assertThat(c.isClosed()).isTrue();
    }
  }

  @Test
  void inAutocommitAStatementOnAKilledConnectionReconnects() throws Exception {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      long id = value(s, "/*lagwise:primary*/ SELECT CONNECTION_ID()");
      try (Connection direct = cluster.primary().connect();
          Statement k = direct.createStatement()) {
        k.execute("KILL " + id);
      }
      // The read finds the connection dead and runs again on a new one.
      assertThat(value(s, "/*lagwise:primary*/ SELECT 6")).isEqualTo(6);
      assertThat(value(s, "/*lagwise:primary*/ SELECT CONNECTION_ID()")).isNotEqualTo(id);
      assertThat(c.isValid(2)).isTrue();
    }
  }

  @Test
  void aWrongPasswordOrAnUnknownDatabaseFailsAtGetConnection() {
    assertThatThrownBy(
            () -> DriverManager.getConnection(cluster.lagwiseUrl(), cluster.user(), "wrong-pw"))
        .hasMessageNotContaining("wrong-pw")
        .extracting(x -> ((SQLException) x).getSQLState())
        .isEqualTo("28000");
    String url = cluster.lagwiseUrl().replace("/" + cluster.database(), "/no_such_db");
    assertThatThrownBy(() -> DriverManager.getConnection(url, cluster.user(), cluster.password()))
        .extracting(x -> ((SQLException) x).getSQLState())
        .isEqualTo("42000");
  }

  @Test
  void resultSetArgumentsAndIsolationInMidTransactionAreAcceptedAsConnectorJDoes()
      throws Exception {
    try (Connection c = connect()) {
      c.createStatement(4711, ResultSet.CONCUR_READ_ONLY).close();
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("SELECT 1");
        c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
      }
      c.commit();
    }
  }
}
