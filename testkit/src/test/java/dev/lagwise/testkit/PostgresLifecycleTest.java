package dev.lagwise.testkit;

import static dev.lagwise.testkit.PostgresReplicationTest.count;
import static dev.lagwise.testkit.PostgresReplicationTest.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Stop, kill and restart on the shared 1+2 cluster (reset() brings every node back). */
@ReplicatedCluster
class PostgresLifecycleTest {

  private static final Duration CATCH_UP = Duration.ofSeconds(30);

  @Test
  void stoppedReplicaComesBackWithItsDataAndCatchesUp(Cluster cluster) throws SQLException {
    Node replica = cluster.replicas().get(0);
    int port = replica.port();
    exec(cluster.primary(), "CREATE TABLE stopped (v int)");
    exec(cluster.primary(), "INSERT INTO stopped VALUES (1)");
    cluster.awaitReplicasCaughtUp(CATCH_UP);

    replica.stop();
    assertThat(replica.isRunning()).isFalse();
    assertThatThrownBy(replica::connect).isInstanceOf(SQLException.class);
    exec(cluster.primary(), "INSERT INTO stopped VALUES (2)");

    replica.start();
    assertThat(replica.isRunning()).isTrue();
    assertThat(replica.port()).isEqualTo(port);
    replica.awaitCaughtUp(CATCH_UP);
    assertThat(count(replica, "stopped")).isEqualTo(2);
  }

  @Test
  void killedPrimaryRestartsWithItsDataAndReplicasFollowAgain(Cluster cluster) throws SQLException {
    Node primary = cluster.primary();
    exec(primary, "CREATE TABLE killed (v int)");
    exec(primary, "INSERT INTO killed VALUES (1)");
    long pid = ((PgNode) primary).process().handle().orElseThrow().pid();

    primary.kill();
    assertThat(primary.isRunning()).isFalse();
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
        .isNotEqualTo(java.util.Optional.of(true));

    primary.start();
    assertThat(count(primary, "killed")).isEqualTo(1);
    exec(primary, "INSERT INTO killed VALUES (2)");
    cluster.awaitReplicasCaughtUp(CATCH_UP);
    for (Node r : cluster.replicas()) {
      assertThat(count(r, "killed")).as(r.name()).isEqualTo(2);
    }
  }

  @Test
  void restartOnATakenPortFailsWithTheServerLog(Cluster cluster) throws IOException, SQLException {
    Node replica = cluster.replicas().get(1);
    replica.stop();
    try (ServerSocket squatter =
        new ServerSocket(replica.port(), 1, InetAddress.getByName(replica.host()))) {
      assertThatThrownBy(replica::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(replica.name())
          .hasMessageContaining("Address already in use")
          .hasMessageContaining("command: ");
    }
    replica.start();
    replica.awaitCaughtUp(CATCH_UP);
    assertThat(replica.isRunning()).isTrue();
  }

  @Test
  void resetBringsBackEveryNode(Cluster cluster) throws SQLException {
    Node a = cluster.replicas().get(0);
    Node b = cluster.replicas().get(1);
    cluster.primary().stop();
    a.pauseReplay();
    b.hang();

    assertThat(cluster.reset()).isTrue();

    exec(cluster.primary(), "CREATE TABLE afterreset (v int)");
    exec(cluster.primary(), "INSERT INTO afterreset VALUES (1)");
    cluster.awaitReplicasCaughtUp(CATCH_UP);
    assertThat(count(a, "afterreset")).isEqualTo(1);
    assertThat(count(b, "afterreset")).isEqualTo(1);
  }
}
