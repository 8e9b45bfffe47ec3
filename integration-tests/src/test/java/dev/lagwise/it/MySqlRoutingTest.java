package dev.lagwise.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwise.ConsistencyToken;
import dev.lagwise.LagwiseConnection;
import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Engine;
import dev.lagwise.testkit.Node;
import dev.lagwise.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code jdbc:lagwise:mysql://} (MySQL Connector/J) on a MySQL 8.4 primary with a GTID replica in
 * Docker: reads on the replica, writes on the primary, a {@code mysql:} GTID-set token after a
 * write, and read-your-writes while the replica does not apply the log. Skipped, and reported as
 * skipped, where no Docker engine is reachable (testkit's {@code Engine.MYSQL}).
 *
 * <p>Nodes are told apart by {@code lastNode()}, not {@code @@port}: inside its container every
 * server listens on 3306.
 */
@ReplicatedCluster(engine = Engine.MYSQL, replicas = 1)
class MySqlRoutingTest {

  static final String TABLE = "mysql_rt_items";

  Cluster cluster;

  String url() {
    return cluster.lagwiseUrl() + "?lagwise.pollInterval=100ms";
  }

  static String hostPort(Node n) {
    return n.host() + ":" + n.port();
  }

  static void createTable(Cluster cluster) throws SQLException {
    try (Connection c = cluster.primary().connect();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (id int PRIMARY KEY, v int NOT NULL)");
      s.execute("DELETE FROM " + TABLE);
    }
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
  }

  static boolean sees(Connection c, int id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT v FROM " + TABLE + " WHERE id = ?")) {
      ps.setInt(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  @Test
  void readsOnTheReplicaWritesOnThePrimaryAndAGtidToken() throws SQLException {
    createTable(cluster);
    Node replica = cluster.replicas().get(0);
    try (Connection c = DriverManager.getConnection(url(), cluster.user(), cluster.password());
        Statement s = c.createStatement()) {
      LagwiseConnection lagwise = c.unwrap(LagwiseConnection.class);
      s.executeUpdate("INSERT INTO " + TABLE + " VALUES (1, 10)");
      assertThat(lagwise.lastNode()).isEqualTo(hostPort(cluster.primary()));
      ConsistencyToken token = lagwise.consistencyToken();
      assertThat(token).isNotNull();
      assertThat(token.toString()).startsWith("mysql:");

      cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
      assertThat(sees(c, 1)).isTrue();
      // the first read may run before the monitor has seen the replica catch up; one of a few
      // must have gone to the replica
      boolean onReplica = lagwise.lastNode().equals(hostPort(replica));
      for (int i = 0; i < 50 && !onReplica; i++) {
        sleep(100);
        assertThat(sees(c, 1)).isTrue();
        onReplica = lagwise.lastNode().equals(hostPort(replica));
      }
      assertThat(onReplica).as("a read of a replicated row ran on the replica").isTrue();

      try (ResultSet rs = s.executeQuery("SELECT id FROM " + TABLE + " FOR UPDATE")) {
        rs.next();
      }
      assertThat(lagwise.lastNode()).isEqualTo(hostPort(cluster.primary()));
    }
  }

  @Test
  void readYourWritesWhileTheReplicaDoesNotApply() throws SQLException {
    createTable(cluster);
    Node replica = cluster.replicas().get(0);
    replica.pauseReplay();
    try (Connection c = DriverManager.getConnection(url(), cluster.user(), cluster.password());
        Statement s = c.createStatement()) {
      LagwiseConnection lagwise = c.unwrap(LagwiseConnection.class);
      for (int id = 100; id < 120; id++) {
        s.executeUpdate("INSERT INTO " + TABLE + " VALUES (" + id + ", 1)");
        assertThat(sees(c, id)).as("row %d read right after its write", id).isTrue();
        assertThat(lagwise.lastNode()).isEqualTo(hostPort(cluster.primary()));
      }
      assertThat(lagwise.consistencyToken().toString()).startsWith("mysql:");
    } finally {
      replica.resumeReplay();
    }
    // the replica really was behind: without the token it would have read stale data
    try (Connection direct = replica.connect()) {
      cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
      assertThat(sees(direct, 119)).isTrue();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
