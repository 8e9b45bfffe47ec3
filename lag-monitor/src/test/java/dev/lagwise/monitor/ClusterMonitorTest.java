package dev.lagwise.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class ClusterMonitorTest {

  static final long MS = 1_000_000L;

  /** Per host: what its probe answers; absent = unreachable. */
  final Map<Integer, Observation> hosts = new ConcurrentHashMap<>();

  final AtomicInteger probes = new AtomicInteger();

  NodeConnector connector() {
    return node -> {
      if (!hosts.containsKey(node)) {
        throw new SQLException("refused " + node, "08001");
      }
      return (Connection)
          Proxy.newProxyInstance(
              Connection.class.getClassLoader(),
              new Class<?>[] {Connection.class},
              (p, m, a) -> m.getName().equals("toString") ? "conn" + node : null);
    };
  }

  NodeProbe probe() {
    return c -> {
      probes.incrementAndGet();
      int node = Integer.parseInt(c.toString().substring(4));
      Observation o = hosts.get(node);
      if (o == null) {
        throw new SQLException("gone", "08006");
      }
      return o;
    };
  }

  ClusterMonitor monitor(AtomicLong clock) {
    return new ClusterMonitor(
        "test",
        List.of("a:1", "b:2", "c:3"),
        probe(),
        connector(),
        Duration.ofMillis(20),
        Duration.ofMillis(200),
        clock::get);
  }

  /** A probe sent at {@code sentMs} that answered 1 ms later, on the test's clock. */
  static void probed(ClusterMonitor m, AtomicLong clock, int node, Observation o, long sentMs) {
    clock.set((sentMs + 1) * MS);
    m.observed(node, o, sentMs * MS);
  }

  @Test
  void firstAcquireDiscoversEveryRoleBeforeReturning() {
    hosts.put(0, new Observation(true, 100));
    hosts.put(1, new Observation(false, 100));
    ClusterMonitor m = monitor(new AtomicLong(System.nanoTime()));
    try {
      m.acquire();
      ClusterSnapshot s = m.snapshot();
      assertThat(s.primary()).isEqualTo(1);
      assertThat(s.status(0)).isEqualTo(NodeStatus.REPLICA);
      assertThat(s.status(2)).isEqualTo(NodeStatus.DOWN);
      assertThat(s.error(2)).contains("refused 2");
      // Whatever order the hosts answered in, the caught-up replica's lag is known.
      assertThat(s.lagNanos(0, System.nanoTime())).isNotNegative();
    } finally {
      m.close();
    }
  }

  @Test
  void lagInTimeIsMeasuredOnTheMonitorsOwnClock() {
    AtomicLong clock = new AtomicLong(0);
    ClusterMonitor m = monitor(clock);
    // The primary writes 1000 bytes per 100 ms; the replica replays, then stops at 2000.
    probed(m, clock, 1, new Observation(false, 1000), 100);
    probed(m, clock, 1, new Observation(false, 2000), 200);
    probed(m, clock, 0, new Observation(true, 2000), 210);
    probed(m, clock, 1, new Observation(false, 3000), 300);
    probed(m, clock, 1, new Observation(false, 4000), 400);
    probed(m, clock, 0, new Observation(true, 2000), 410);
    clock.set(500 * MS);
    ClusterSnapshot s = m.snapshot();
    // The replica has what the primary had at 200 ms: at 500 ms its data is up to 300 ms old.
    assertThat(s.lagNanos(0, 500 * MS)).isEqualTo(300 * MS);
    assertThat(s.lagBytes(0)).isEqualTo(2000);
    assertThat(s.isUsableReplica(0, 500 * MS, 300 * MS)).isTrue();
    assertThat(s.isUsableReplica(0, 500 * MS, 299 * MS)).isFalse();
    assertThat(s.isUsableReplica(1, 500 * MS, Long.MAX_VALUE)).as("the primary").isFalse();
  }

  @Test
  void aReplicaBehindTheWholeHistoryHasAnUnknownLagAndIsNotUsable() {
    AtomicLong clock = new AtomicLong(0);
    ClusterMonitor m = monitor(clock);
    probed(m, clock, 1, new Observation(false, 5000), 100);
    probed(m, clock, 0, new Observation(true, 4000), 110);
    assertThat(m.snapshot().lagNanos(0, 120 * MS)).isEqualTo(-1);
    assertThat(m.snapshot().isUsableReplica(0, 120 * MS, Long.MAX_VALUE)).isFalse();
    probed(m, clock, 0, new Observation(true, -1), 130);
    assertThat(m.snapshot().isUsableReplica(0, 140 * MS, Long.MAX_VALUE))
        .as("no position, no lag")
        .isFalse();
  }

  @Test
  void anIdlePrimaryKeepsCaughtUpReplicasFresh() {
    AtomicLong clock = new AtomicLong(0);
    ClusterMonitor m = monitor(clock);
    probed(m, clock, 0, new Observation(true, 7000), 10);
    probed(m, clock, 1, new Observation(false, 7000), 20);
    probed(m, clock, 1, new Observation(false, 7000), 1020);
    // The replica was not probed again, but it already had everything the primary had at 1020.
    assertThat(m.snapshot().lagNanos(0, 1030 * MS)).isEqualTo(10 * MS);
  }

  @Test
  void aPromotionStartsANewHistory() {
    AtomicLong clock = new AtomicLong(0);
    ClusterMonitor m = monitor(clock);
    probed(m, clock, 1, new Observation(false, 9000), 100);
    m.failed(1, "gone", 150 * MS);
    probed(m, clock, 2, new Observation(false, 500), 200);
    probed(m, clock, 0, new Observation(true, 8000), 210);
    assertThat(m.snapshot().primary()).isEqualTo(2);
    assertThat(m.snapshot().lagNanos(0, 300 * MS))
        .as("positions of the old primary are no evidence")
        .isEqualTo(100 * MS);
  }

  @Test
  void twoPrimariesTakeNoWritesAndKeepTheFirstOnesHistory() {
    AtomicLong clock = new AtomicLong(0);
    ClusterMonitor m = monitor(clock);
    probed(m, clock, 1, new Observation(false, 9000), 100);
    probed(m, clock, 2, new Observation(false, 500), 200);
    assertThat(m.snapshot().primary()).as("never a guess").isEqualTo(-1);
    assertThat(m.snapshot().primaryContested()).isTrue();
    probed(m, clock, 1, new Observation(false, 9500), 300);
    probed(m, clock, 0, new Observation(true, 9000), 310);
    assertThat(m.snapshot().primaryPosition()).isEqualTo(9500);
    assertThat(m.snapshot().lagNanos(0, 400 * MS))
        .as("the second primary's samples do not reset the first one's history")
        .isEqualTo(300 * MS);
    m.failed(2, "stepped down", 400 * MS);
    assertThat(m.snapshot().primaryContested()).isFalse();
    assertThat(m.snapshot().primary()).isEqualTo(1);
  }

  @Test
  void withThePrimaryGoneACaughtUpHealthyReplicaStillServesWhateverItsLag() {
    AtomicLong clock = new AtomicLong(0);
    ClusterMonitor m = monitor(clock);
    probed(m, clock, 1, new Observation(false, 500), 100);
    probed(m, clock, 0, new Observation(true, 500), 110);
    probed(m, clock, 2, new Observation(true, 400), 110);
    m.failed(1, "connection refused", 200 * MS);
    // Ten seconds on: far beyond any maxLag, the replicas still answer their probes.
    probed(m, clock, 0, new Observation(true, 500), 10_000);
    probed(m, clock, 2, new Observation(true, 400), 10_000);
    ClusterSnapshot s = m.snapshot();
    long now = 10_001 * MS;
    assertThat(s.primary()).isEqualTo(-1);
    assertThat(s.isUsableReplica(0, now, 2_000 * MS)).isFalse();
    assertThat(s.servesWithoutPrimary(0, now))
        .as("replayed everything the primary was last seen at")
        .isTrue();
    assertThat(s.servesWithoutPrimary(2, now)).as("behind the last primary sample").isFalse();
    assertThat(s.servesWithoutPrimary(0, now + 10_000 * MS))
        .as("its own probe is stale: nothing is known of it")
        .isFalse();
    probed(m, clock, 0, new Observation(true, 500, false), 10_100);
    assertThat(m.snapshot().servesWithoutPrimary(0, 10_101 * MS))
        .as("its replication is broken")
        .isFalse();
    probed(m, clock, 0, new Observation(true, 500), 10_200);
    probed(m, clock, 1, new Observation(false, 600), 10_300);
    assertThat(m.snapshot().servesWithoutPrimary(0, 10_301 * MS))
        .as("a primary is back: maxLag applies again")
        .isFalse();
  }

  @Test
  void anUnhealthyReplicaServesNoRead() {
    AtomicLong clock = new AtomicLong(0);
    ClusterMonitor m = monitor(clock);
    probed(m, clock, 1, new Observation(false, 100), 100);
    probed(m, clock, 0, new Observation(true, 100, false), 110);
    assertThat(m.snapshot().isReplica(0)).isTrue();
    assertThat(m.snapshot().isUsableReplica(0, 120 * MS, Long.MAX_VALUE)).isFalse();
    probed(m, clock, 0, new Observation(true, 100, true), 130);
    assertThat(m.snapshot().isUsableReplica(0, 140 * MS, Long.MAX_VALUE)).isTrue();
  }

  @Test
  void aStatusExpiresWhenTheMonitorFallsSilent() {
    AtomicLong clock = new AtomicLong(0);
    ClusterMonitor m = monitor(clock);
    probed(m, clock, 1, new Observation(false, 1), 1000);
    probed(m, clock, 0, new Observation(true, 1), 1000);
    // Answered at 1001 ms; deadline: 3 polls + the probe timeout = 260 ms.
    assertThat(m.snapshot().isUsableReplica(0, 1261 * MS, Long.MAX_VALUE)).isTrue();
    assertThat(m.snapshot().isUsableReplica(0, 1262 * MS, Long.MAX_VALUE)).isFalse();
  }

  /** Per host: probes sent to it. */
  final Map<Integer, AtomicInteger> probesOf = new ConcurrentHashMap<>();

  NodeProbe countingProbe() {
    NodeProbe p = probe();
    return c -> {
      int node = Integer.parseInt(c.toString().substring(4));
      probesOf.computeIfAbsent(node, n -> new AtomicInteger()).incrementAndGet();
      return p.probe(c);
    };
  }

  int probesOf(int node) {
    AtomicInteger n = probesOf.get(node);
    return n == null ? 0 : n.get();
  }

  /** Real time, and polls so rare that any probe within a test was asked for. */
  ClusterMonitor rarelyPolling() {
    return new ClusterMonitor(
        "test",
        List.of("a:1", "b:2", "c:3"),
        countingProbe(),
        connector(),
        Duration.ofSeconds(30),
        Duration.ofMillis(200),
        System::nanoTime);
  }

  @Test
  void aSuspicionLeavesTheHostInRoutingUntilTheMonitorsOwnProbeFails() {
    AtomicLong clock = new AtomicLong(0);
    ClusterMonitor m = monitor(clock);
    probed(m, clock, 1, new Observation(false, 10), 100);
    probed(m, clock, 0, new Observation(true, 10), 100);
    m.suspect(0, "08006");
    m.suspect(1, "08003");
    assertThat(m.suspected(0)).isTrue();
    assertThat(m.snapshot().status(0)).isEqualTo(NodeStatus.REPLICA);
    assertThat(m.snapshot().isUsableReplica(0, 102 * MS, Long.MAX_VALUE)).isTrue();
    assertThat(m.snapshot().primary()).isEqualTo(1);
    assertThat(m.snapshot().error(1)).isNull();
  }

  @Test
  void wrongCredentialsAndOtherSessionErrorsAreNoEvidenceAtAll() {
    AtomicLong clock = new AtomicLong(0);
    ClusterMonitor m = monitor(clock);
    probed(m, clock, 0, new Observation(false, 10), 100);
    for (String state : List.of("28P01", "28000", "3D000", "42501", "22023", "08004")) {
      m.suspect(0, state);
      assertThat(m.suspected(0)).as(state).isFalse();
    }
    assertThat(m.snapshot().primary()).isEqualTo(0);
  }

  @Test
  void aSuspicionOfAGoneHostIsConfirmedByAnImmediateProbe() throws Exception {
    hosts.put(0, new Observation(true, 1));
    hosts.put(1, new Observation(false, 1));
    ClusterMonitor m = rarelyPolling();
    try {
      m.acquire();
      assertThat(m.snapshot().status(0)).isEqualTo(NodeStatus.REPLICA);
      hosts.remove(0);
      long start = System.nanoTime();
      m.suspect(0, "08006");
      awaitStatus(m, 0, NodeStatus.DOWN);
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("confirmed by the suspicion's probe, not by a poll 30 s later")
          .isLessThan(Duration.ofSeconds(5));
      assertThat(m.snapshot().error(0)).as("the monitor's own finding").isEqualTo("gone");
    } finally {
      m.close();
    }
  }

  @Test
  void aSuspicionOfAHealthyHostCostsOneProbeAndChangesNothing() throws Exception {
    hosts.put(0, new Observation(true, 1));
    hosts.put(1, new Observation(false, 1));
    ClusterMonitor m = rarelyPolling();
    try {
      m.acquire();
      int before = probesOf(1);
      ClusterSnapshot seen = m.snapshot();
      m.suspect(1, "08006");
      m.awaitNewSnapshot(seen, Duration.ofSeconds(5).toNanos());
      assertThat(probesOf(1)).isEqualTo(before + 1);
      assertThat(m.suspected(1)).isFalse();
      assertThat(m.snapshot().status(1)).isEqualTo(NodeStatus.PRIMARY);
      assertThat(m.snapshot().error(1)).isNull();
    } finally {
      m.close();
    }
  }

  @Test
  void aStormOfSuspicionsIsProbedAtMostOncePerSpacing() throws Exception {
    hosts.put(0, new Observation(true, 1));
    hosts.put(1, new Observation(false, 1));
    ClusterMonitor m = rarelyPolling();
    try {
      m.acquire();
      int before = probesOf(1);
      long start = System.nanoTime();
      long suspicions = 0;
      while (System.nanoTime() - start < 200 * MS) {
        m.suspect(1, "08006");
        suspicions++;
      }
      long elapsed = System.nanoTime() - start;
      // One may be in flight when the storm ends; it started within the window. Real time on a
      // loaded machine: a few probes of slack (the acquire's first probe may land after `before`).
      // Without the spacing there would be one probe per error: thousands. SuspicionsTest pins the
      // exact rule with injected time.
      ClusterSnapshot seen = m.snapshot();
      m.awaitNewSnapshot(seen, Duration.ofSeconds(1).toNanos());
      int probes = probesOf(1) - before;
      assertThat(suspicions).isGreaterThan(1000);
      assertThat(probes)
          .isPositive()
          .isLessThanOrEqualTo((int) (elapsed / ClusterMonitor.SUSPICION_SPACING_NANOS) + 5);
      assertThat(m.snapshot().status(1)).isEqualTo(NodeStatus.PRIMARY);
    } finally {
      m.close();
    }
  }

  static void awaitStatus(ClusterMonitor m, int node, NodeStatus status) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (m.snapshot().status(node) != status) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(m.snapshot() + ": node " + node + " never " + status);
      }
      m.awaitNewSnapshot(m.snapshot(), left);
    }
  }

  @Test
  void probesStopWhenTheLastUserReleasesAndNoThreadSurvives() throws Exception {
    hosts.put(0, new Observation(false, 1));
    hosts.put(1, new Observation(true, 1));
    hosts.put(2, new Observation(true, 1));
    ClusterMonitor m = monitor(new AtomicLong(System.nanoTime()));
    m.acquire();
    m.acquire();
    m.release();
    assertThat(m.users()).isEqualTo(1);
    m.release();
    assertThat(m.users()).isZero();
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (monitorThreads() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(monitorThreads()).isZero();
    int before = probes.get();
    Thread.sleep(100);
    assertThat(probes.get()).as("an idle monitor sends no queries").isEqualTo(before);
  }

  /**
   * Real threads: a request storm (a chase and a primary sample asked for every 50 us, as a busy
   * application would) stays within each host's budget. Every probe is counted by the monitor and
   * by the probe itself.
   */
  @Test
  void aStormOfChasesAndPrimaryRequestsStaysWithinTheProbeBudget() throws Exception {
    hosts.put(0, new Observation(false, 1_000));
    hosts.put(1, new Observation(true, 10));
    hosts.put(2, new Observation(true, 10));
    ClusterMonitor m = monitor(new AtomicLong(System.nanoTime()));
    try {
      m.acquire();
      long[] before = {m.probesSent(0), m.probesSent(1), m.probesSent(2)};
      long start = System.nanoTime();
      long position = 10;
      while (System.nanoTime() - start < 500 * MS) {
        position++;
        hosts.put(0, new Observation(false, position));
        hosts.put(1, new Observation(true, position - 1));
        m.chase(position);
        m.requestPrimaryProbe(true);
        LockSupport.parkNanos(50_000);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      for (int i = 0; i < 3; i++) {
        long sent = m.probesSent(i) - before[i];
        assertThat(sent)
            .as("probes of host %d in %.2f s", i, seconds)
            .isLessThanOrEqualTo((long) (ProbeScheduler.BURST + ProbeScheduler.RATE * seconds) + 1);
      }
      assertThat(m.probesSent(0) - before[0]).as("the primary was sampled").isGreaterThan(20);
    } finally {
      m.close();
    }
  }

  static long monitorThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("lagwise-monitor-") && t.isAlive())
        .count();
  }
}
