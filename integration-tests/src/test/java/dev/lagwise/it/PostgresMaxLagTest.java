package dev.lagwise.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwise.LagwiseConnection;
import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Node;
import dev.lagwise.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Bounded staleness on real servers: a replica whose replay is paused while the primary keeps
 * writing stops serving reads once its lag passes {@code lagwise.maxLag} (within one poll interval
 * of it), and serves them again once it has caught up.
 */
@ReplicatedCluster(replicas = 2)
class PostgresMaxLagTest {

  static final Duration MAX_LAG = Duration.ofMillis(800);
  static final Duration POLL = Duration.ofMillis(100);

  Cluster cluster;

  String url() {
    return cluster.lagwiseUrl()
        + "?lagwise.maxLag="
        + MAX_LAG.toMillis()
        + "ms&lagwise.pollInterval="
        + POLL.toMillis()
        + "ms&lagwise.loadBalance=least-in-flight";
  }

  /** The host that served a plain read on a fresh connection. */
  String readOnce() throws SQLException {
    try (Connection c = DriverManager.getConnection(url(), cluster.user(), cluster.password());
        Statement s = c.createStatement()) {
      s.execute("SELECT 1");
      return c.unwrap(LagwiseConnection.class).lastNode();
    }
  }

  static String hostPort(Node n) {
    return n.host() + ":" + n.port();
  }

  @Test
  void aReplicaPastMaxLagStopsServingReadsAndComesBackWhenCaughtUp() throws Exception {
    Node paused = cluster.replicas().get(0);
    try (Connection primary = cluster.primary().connect();
        Statement w = primary.createStatement()) {
      w.execute("CREATE TABLE IF NOT EXISTS mlt_ticks (n bigint)");
      cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
      AtomicBoolean writing = new AtomicBoolean(true);
      Thread writer =
          new Thread(
              () -> {
                try (Connection c = cluster.primary().connect();
                    Statement s = c.createStatement()) {
                  while (writing.get()) {
                    s.execute("INSERT INTO mlt_ticks VALUES (1)");
                    Thread.sleep(20);
                  }
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      writer.start();
      try {
        paused.pauseReplay();
        long pausedAt = System.nanoTime();
        // After maxLag plus one poll interval (and a margin for a busy 2-core machine), the
        // paused replica must serve nothing.
        Thread.sleep(MAX_LAG.plus(POLL).plusMillis(300).toMillis());
        for (int i = 0; i < 30; i++) {
          assertThat(readOnce()).as("read %d after the bound", i).isNotEqualTo(hostPort(paused));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - pausedAt)).isGreaterThan(MAX_LAG);
      } finally {
        paused.resumeReplay();
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      boolean back = false;
      while (!back && System.nanoTime() < deadline) {
        back = hostPort(paused).equals(readOnce());
      }
      writing.set(false);
      writer.join();
      assertThat(back).as("the caught-up replica serves reads again").isTrue();
    }
  }

  @Test
  void aReplicaWithinTheBoundKeepsServing() throws Exception {
    // Neither replica is paused: with a live primary both are well within the bound.
    boolean[] seen = new boolean[2];
    for (int i = 0; i < 40 && !(seen[0] && seen[1]); i++) {
      String node = readOnce();
      for (int r = 0; r < 2; r++) {
        seen[r] |= hostPort(cluster.replicas().get(r)).equals(node);
      }
    }
    assertThat(seen).containsOnly(true);
  }
}
