package dev.lagwise.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Roles after a failover: timelines (epochs) and probe-detected divergence, resolved by {@link
 * ClusterSnapshot}, and whose positions {@link ClusterMonitor}'s history follows.
 */
class FailoverRolesTest {

  static final long MS = 1_000_000L;

  static ClusterMonitor monitor(AtomicLong clock) {
    return new ClusterMonitor(
        "failover",
        List.of("a:1", "b:2", "c:3"),
        c -> {
          throw new SQLException("not probed in this test");
        },
        node -> {
          throw new SQLException("not connected in this test");
        },
        Duration.ofMillis(20),
        Duration.ofMillis(200),
        clock::get);
  }

  static void probed(ClusterMonitor m, AtomicLong clock, int node, Observation o, long sentMs) {
    clock.set((sentMs + 1) * MS);
    m.observed(node, o, sentMs * MS);
  }

  static Observation primary(long position, long timeline) {
    return new Observation(false, position, true, timeline, false);
  }

  static Observation standby(long position, long timeline) {
    return new Observation(true, position, true, timeline, false);
  }

  /**
   * Each row: what the three hosts claim, probed in order a, b, c ({@code P<timeline>} primary,
   * {@code R<timeline>} replica, {@code ?} for an unknown timeline, {@code D} a replica whose probe
   * found transactions of its own, {@code -} not probed); the statuses routing sees; the primary.
   */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "P1 R1 R1,   PRIMARY REPLICA REPLICA,   0",
    "P1 P2 R1,   DIVERGED PRIMARY DIVERGED, 1",
    "P2 P1 R2,   PRIMARY DIVERGED REPLICA,  0",
    "P1 P2 R2,   DIVERGED PRIMARY REPLICA,  1",
    "P2 P2 R2,   PRIMARY PRIMARY REPLICA,   -1",
    "P1 P? R1,   PRIMARY PRIMARY REPLICA,   -1",
    "P? P? R?,   PRIMARY PRIMARY REPLICA,   -1",
    "P2 R1 R3,   PRIMARY DIVERGED DIVERGED, 0",
    "P2 R? R2,   PRIMARY REPLICA REPLICA,   0",
    "P? R1 R2,   PRIMARY REPLICA REPLICA,   0",
    "P? D R?,    PRIMARY DIVERGED REPLICA,  0",
    "P1 R1 -,    PRIMARY REPLICA UNKNOWN,   0",
  })
  void rolesAreResolvedFromClaimsAndTimelines(String claims, String statuses, int expected) {
    AtomicLong clock = new AtomicLong(0);
    ClusterMonitor m = monitor(clock);
    String[] c = claims.trim().split(" +");
    for (int i = 0; i < c.length; i++) {
      if (c[i].equals("-")) {
        continue;
      }
      long tl = c[i].length() < 2 || c[i].charAt(1) == '?' ? -1 : c[i].charAt(1) - '0';
      Observation o = new Observation(c[i].charAt(0) != 'P', 100, true, tl, c[i].charAt(0) == 'D');
      probed(m, clock, i, o, 100 + i);
    }
    ClusterSnapshot s = m.snapshot();
    NodeStatus[] seen = new NodeStatus[3];
    for (int i = 0; i < 3; i++) {
      seen[i] = s.status(i);
    }
    assertThat(Arrays.toString(seen))
        .isEqualTo(Arrays.toString(Arrays.stream(statuses.trim().split(" +")).toArray()));
    assertThat(s.primary()).isEqualTo(expected);
    assertThat(s.primaryContested()).isEqualTo(expected < 0 && claims.indexOf('P') >= 0);
    for (int i = 0; i < 3; i++) {
      assertThat(s.isUsableReplica(i, 102 * MS, Long.MAX_VALUE))
          .as("host %d", i)
          .isEqualTo(seen[i] == NodeStatus.REPLICA);
    }
  }

  @Test
  void splitBrainWritesGoToTheHigherTimelineAndItsHistoryAlone() {
    AtomicLong clock = new AtomicLong(0);
    ClusterMonitor m = monitor(clock);
    probed(m, clock, 0, primary(9000, 1), 100);
    probed(m, clock, 1, standby(8000, 1), 110);
    probed(m, clock, 2, standby(9000, 1), 110);
    // b is promoted at 8000 while a keeps running and writing on timeline 1.
    probed(m, clock, 1, primary(8100, 2), 200);
    probed(m, clock, 0, primary(9500, 1), 210);
    probed(m, clock, 2, standby(9500, 1), 220);
    ClusterSnapshot s = m.snapshot();
    assertThat(s.primary()).isEqualTo(1);
    assertThat(s.primaryContested()).isFalse();
    assertThat(s.primaryPosition())
        .as("the old timeline's positions are no evidence")
        .isEqualTo(8100);
    assertThat(s.status(0)).isEqualTo(NodeStatus.DIVERGED);
    assertThat(s.divergence(0))
        .isEqualTo("diverged: timeline 1, still writable, while the primary is on timeline 2");
    assertThat(s.status(2)).isEqualTo(NodeStatus.DIVERGED);
    assertThat(s.divergence(2))
        .isEqualTo("diverged: timeline 1 while the primary is on timeline 2");
    assertThat(s.isUsableReplica(2, 221 * MS, Long.MAX_VALUE))
        .as("ahead of the new primary on the old timeline, yet never fresh")
        .isFalse();
    assertThat(s.lagNanos(2, 221 * MS)).isEqualTo(-1);

    // c follows the new primary: it reports timeline 2 and is a replica again.
    probed(m, clock, 2, standby(8100, 2), 300);
    assertThat(m.snapshot().status(2)).isEqualTo(NodeStatus.REPLICA);
    assertThat(m.snapshot().isUsableReplica(2, 301 * MS, 200 * MS)).isTrue();

    // The promoted one dies: the old primary, still on timeline 1, takes no write anyway.
    m.failed(1, "killed", 400 * MS);
    probed(m, clock, 0, primary(9600, 1), 410);
    s = m.snapshot();
    assertThat(s.primary()).isEqualTo(-1);
    assertThat(s.primaryContested()).isFalse();
    assertThat(s.status(0)).isEqualTo(NodeStatus.DIVERGED);
    assertThat(s.primaryPosition()).isEqualTo(8100);
    assertThat(s.servesWithoutPrimary(2, 411 * MS))
        .as("c has everything the timeline-2 primary was last seen at")
        .isTrue();
  }

  @Test
  void anOldPrimaryRestartedAsAStandbyWithoutRewindIsNeverFresh() {
    AtomicLong clock = new AtomicLong(0);
    ClusterMonitor m = monitor(clock);
    probed(m, clock, 0, primary(9000, 1), 100);
    probed(m, clock, 1, primary(8100, 2), 200);
    m.failed(0, "restarting", 250 * MS);
    // Back in recovery on timeline 1, replayed beyond the new primary's position.
    probed(m, clock, 0, standby(9000, 1), 300);
    probed(m, clock, 1, primary(8200, 2), 310);
    ClusterSnapshot s = m.snapshot();
    assertThat(s.status(0)).isEqualTo(NodeStatus.DIVERGED);
    assertThat(s.isUsableReplica(0, 311 * MS, Long.MAX_VALUE)).isFalse();
    m.failed(1, "gone", 400 * MS);
    assertThat(m.snapshot().servesWithoutPrimary(0, 401 * MS))
        .as("not even while no primary is up")
        .isFalse();
  }

  @Test
  void theSameHostOnANewTimelineStartsANewHistory() {
    AtomicLong clock = new AtomicLong(0);
    ClusterMonitor m = monitor(clock);
    probed(m, clock, 0, primary(9000, 1), 100);
    probed(m, clock, 1, standby(9000, 1), 110);
    // Demoted, rewound and promoted again between two probes: timeline 3, behind its old position.
    probed(m, clock, 0, primary(8500, 3), 200);
    ClusterSnapshot s = m.snapshot();
    assertThat(s.primary()).isEqualTo(0);
    assertThat(s.primaryPosition()).isEqualTo(8500);
    assertThat(s.status(1)).isEqualTo(NodeStatus.DIVERGED);
  }

  @Test
  void withoutTimelinesNothingChanges() {
    AtomicLong clock = new AtomicLong(0);
    ClusterMonitor m = monitor(clock);
    probed(m, clock, 0, new Observation(false, 9000), 100);
    probed(m, clock, 1, new Observation(true, 9000), 110);
    probed(m, clock, 2, new Observation(true, 9000, true, -1, true), 110);
    ClusterSnapshot s = m.snapshot();
    assertThat(s.primary()).isEqualTo(0);
    assertThat(s.isUsableReplica(1, 111 * MS, 100 * MS)).isTrue();
    assertThat(s.status(2)).isEqualTo(NodeStatus.DIVERGED);
    assertThat(s.divergence(2))
        .isEqualTo("diverged: it has transactions the primary does not have");
    assertThat(s.divergence(1)).isNull();
  }
}
