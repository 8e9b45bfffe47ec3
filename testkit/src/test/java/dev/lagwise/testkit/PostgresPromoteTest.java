package dev.lagwise.testkit;

import static dev.lagwise.testkit.PostgresReplicationTest.count;
import static dev.lagwise.testkit.PostgresReplicationTest.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Promotion breaks a cluster for good, so it gets one of its own. */
@ReplicatedCluster(replicas = 1, isolated = true)
class PostgresPromoteTest {

  @Test
  void promotedReplicaAcceptsWritesAndBecomesThePrimary(Cluster cluster) throws SQLException {
    Node oldPrimary = cluster.primary();
    Node replica = cluster.replicas().get(0);
    exec(oldPrimary, "CREATE TABLE promoted (v int)");
    exec(oldPrimary, "INSERT INTO promoted VALUES (1)");
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
    assertThatThrownBy(() -> exec(replica, "INSERT INTO promoted VALUES (2)"))
        .isInstanceOf(SQLException.class);

    replica.promote();

    assertThat(replica.role()).isEqualTo(Role.PRIMARY);
    assertThat(cluster.primary()).isSameAs(replica);
    assertThat(cluster.replicas()).isEmpty();
    assertThat(cluster.nodes()).containsExactly(oldPrimary, replica);
    exec(replica, "INSERT INTO promoted VALUES (2)");
    assertThat(count(replica, "promoted")).isEqualTo(2);
    assertThatThrownBy(replica::pauseReplay).isInstanceOf(IllegalStateException.class);
    assertThat(cluster.reset()).isFalse();
  }
}
