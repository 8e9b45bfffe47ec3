package dev.lagwise.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Promotion breaks the cluster for good, so this class owns its cluster and closes it. */
class MariaDbPromoteTest {

  @Test
  void promotedReplicaAcceptsWritesAndCloseLeavesNothingBehind() throws Exception {
    MariaDbCluster cluster = MariaDbCluster.builder().replicas(1).start();
    Path dir = cluster.directory();
    List<Long> pids =
        cluster.nodes().stream().map(n -> ((MariaDbNode) n).pid()).collect(Collectors.toList());
    try {
      Node oldPrimary = cluster.primary();
      Node replica = cluster.replicas().get(0);
      exec(oldPrimary, "CREATE TABLE t (id INT PRIMARY KEY)");
      exec(oldPrimary, "INSERT INTO t VALUES (1)");
      replica.awaitCaughtUp(Duration.ofSeconds(30));

      replica.promote();

      assertThat(replica.role()).isEqualTo(Role.PRIMARY);
      assertThat(cluster.primary()).isSameAs(replica);
      assertThat(cluster.replicas()).isEmpty();
      assertThat(cluster.nodes()).containsExactly(oldPrimary, replica);
      assertThat(query(replica, "SELECT @@read_only")).isEqualTo("0");
      exec(replica, "INSERT INTO t VALUES (2)");
      assertThat(query(replica, "SELECT COUNT(*) FROM t")).isEqualTo("2");
      assertThat(query(oldPrimary, "SELECT COUNT(*) FROM t")).isEqualTo("1");
      assertThatThrownBy(replica::pauseReplay)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("is PRIMARY");
      // Restarting keeps it writable: read_only comes from the role, not from the old flag.
      replica.stop();
      replica.start();
      exec(replica, "INSERT INTO t VALUES (3)");
      assertThat(cluster.reset()).isFalse();
    } finally {
      cluster.close();
    }

    assertThat(pids).allMatch(pid -> pid > 0 && ProcessHandle.of(pid).isEmpty());
    assertThat(cluster.nodes()).noneMatch(Node::isRunning);
    assertThat(Files.exists(dir)).isFalse();
    cluster.close(); // idempotent
  }

  private static void exec(Node node, String sql) throws Exception {
    try (Connection c = node.connect();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static String query(Node node, String sql) throws Exception {
    try (Connection c = node.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }
}
