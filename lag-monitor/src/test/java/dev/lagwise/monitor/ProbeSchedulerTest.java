package dev.lagwise.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The probe budget, on a hand-advanced clock: no threads, no sleeps. */
class ProbeSchedulerTest {

  static final long MS = 1_000_000L;
  static final long POLL = 100 * MS;

  /** Hosts: 0 primary, 1 and 2 replicas. */
  long now = 1_000_000 * MS;

  final ProbeScheduler s = new ProbeScheduler(3, POLL, now);

  /** Probes {@code host} at its due time (advancing the clock to it) as the prober would. */
  long probeWhenDue(int host, boolean requested) {
    long due = s.dueAt(host, requested, now);
    if (due - now > 0) {
      now = due;
    }
    s.begun(host, now);
    return now;
  }

  void replicaAnswers(int host, long position, long primaryPosition) {
    s.observed(host, true, true, position, primaryPosition, 1 * MS);
  }

  void everyoneCaughtUpAt(long position) {
    s.begun(0, now);
    s.observed(0, false, true, position, position, 0);
    for (int r = 1; r <= 2; r++) {
      s.begun(r, now);
      replicaAnswers(r, position, position);
    }
  }

  @Test
  void idleHostsArePolledOncePerPollInterval() {
    everyoneCaughtUpAt(100);
    long last = now;
    assertThat(s.dueAt(1, false, now)).isEqualTo(last + POLL);
    assertThat(s.dueAt(0, false, now)).isEqualTo(last + POLL);
  }

  @Test
  void aChaseGoesToOneReplicaAfterTheMinimumSpacing() {
    everyoneCaughtUpAt(100);
    long polled = now;
    now += 50 * MS;
    assertThat(s.chase(200, now)).isTrue();
    // Equal budgets and last probes: the first in URL order.
    assertThat(s.chasing(1, now)).isTrue();
    assertThat(s.chasing(2, now)).isFalse();
    assertThat(s.dueAt(1, false, now)).isEqualTo(now + ProbeScheduler.CHASE_MIN_NANOS);
    assertThat(s.dueAt(2, false, now)).isEqualTo(polled + POLL);
    // The primary is never chased.
    assertThat(s.chasing(0, now)).isFalse();
    assertThat(s.dueAt(0, false, now)).isEqualTo(polled + POLL);
    // The same target again, or a lower one, only extends the chase.
    assertThat(s.chase(200, now)).isFalse();
    assertThat(s.chase(150, now)).isFalse();
    assertThat(s.chasing(2, now)).isFalse();
  }

  @Test
  void newTargetsAlternateBetweenReplicasByTheirBudget() {
    everyoneCaughtUpAt(100);
    now += POLL;
    assertThat(s.chase(200, now)).isTrue();
    probeWhenDue(1, false);
    replicaAnswers(1, 150, 300);
    // Replica 1 has spent a token since: the next target goes to replica 2.
    assertThat(s.chase(300, now)).isTrue();
    assertThat(s.chasing(2, now)).isTrue();
    probeWhenDue(2, false);
    replicaAnswers(2, 300, 300);
    assertThat(s.chasing(2, now)).as("target reached").isFalse();
  }

  @Test
  void aPositionAReplicaHasShownIsNotChased() {
    everyoneCaughtUpAt(100);
    assertThat(s.chase(100, now)).isFalse();
    assertThat(s.chase(99, now)).isFalse();
    assertThat(s.chasing(1, now) || s.chasing(2, now)).isFalse();
  }

  @Test
  void noChaseWhileAQualifyingReplicaHasShownThePosition() {
    everyoneCaughtUpAt(100);
    s.begun(1, now);
    replicaAnswers(1, 200, 200);
    assertThat(s.chase(200, now)).isFalse();
    assertThat(s.chasing(1, now) || s.chasing(2, now)).isFalse();
    // Beyond it: chased, on the replica with budget left (2: replica 1 just spent a token).
    assertThat(s.chase(201, now)).isTrue();
    assertThat(s.chasing(2, now)).isTrue();
  }

  @Test
  void chaseProbesWithoutProgressBackOffUpToThePollIntervalThenTheReplicaCountsAsPaused() {
    long poll = 10 * MS;
    ProbeScheduler t = new ProbeScheduler(2, poll, now);
    t.begun(0, now);
    t.observed(0, false, true, 1_000, 1_000, 0);
    t.begun(1, now);
    t.observed(1, true, true, 100, 1_000, MS);
    now += poll;
    assertThat(t.chase(1_000, now)).isTrue();
    long prev = now;
    StringBuilder gaps = new StringBuilder();
    while (t.chasing(1, now)) {
      long due = t.dueAt(1, false, now);
      now = Math.max(now, due);
      t.begun(1, now);
      gaps.append((now - prev) / MS).append(' ');
      prev = now;
      t.observed(1, true, true, 100, 1_000, MS); // no progress
      t.chase(1_000, now); // someone keeps waiting
    }
    assertThat(gaps.toString().trim()).isEqualTo("1 2 4 8 10 10 10 10");
    assertThat(t.spacing(1)).isEqualTo(poll);
    // Progress resets the spacing, and the replica is chased again.
    t.begun(1, now);
    t.observed(1, true, true, 101, 1_000, MS);
    assertThat(t.spacing(1)).isEqualTo(ProbeScheduler.CHASE_MIN_NANOS);
    assertThat(t.chase(1_000, now)).isTrue();
  }

  @Test
  void progressKeepsTheSpacingAtTheMinimum() {
    everyoneCaughtUpAt(100);
    now += POLL;
    s.chase(1_000, now);
    int r = 1;
    for (int i = 1; i <= 3; i++) {
      probeWhenDue(r, false);
      replicaAnswers(r, 100 + i, 1_000);
      assertThat(s.spacing(r)).isEqualTo(ProbeScheduler.CHASE_MIN_NANOS);
    }
  }

  @Test
  void aPausedReplicaIsNoLongerChasedUntilItMoves() {
    everyoneCaughtUpAt(100);
    s.failed(2); // only replica 1 can be chased
    now += POLL;
    assertThat(s.chase(500, now)).isTrue();
    for (int i = 0; i < ProbeScheduler.PAUSED_AFTER; i++) {
      s.chase(500, now);
      probeWhenDue(1, false);
      replicaAnswers(1, 100, 500); // the primary is ahead, the replica does not move
    }
    assertThat(s.chasing(1, now)).isFalse();
    assertThat(s.chase(600, now)).as("paused: not chased").isFalse();
    assertThat(s.chasing(1, now)).isFalse();
    // Replay resumes: chased again.
    probeWhenDue(1, false);
    replicaAnswers(1, 101, 500);
    assertThat(s.chase(700, now)).isTrue();
    assertThat(s.chasing(1, now)).isTrue();
  }

  @Test
  void aCaughtUpIdleReplicaNeverCountsAsPaused() {
    everyoneCaughtUpAt(100);
    for (int i = 0; i < 10; i++) {
      probeWhenDue(1, false);
      replicaAnswers(1, 100, 100);
    }
    assertThat(s.chase(101, now)).isTrue();
    assertThat(s.chasing(1, now) || s.chasing(2, now)).isTrue();
  }

  @Test
  void unhealthyDownPrimaryOrTooFarBehindHostsAreNotChased() {
    everyoneCaughtUpAt(100);
    s.begun(1, now);
    s.observed(1, true, false, 100, 100, MS); // replication broken
    s.begun(2, now);
    s.failed(2); // down
    assertThat(s.chase(200, now)).isFalse();

    s.begun(2, now);
    // Beyond reach: lag over the chase window plus the poll interval.
    s.observed(2, true, true, 90, 100, ProbeScheduler.CHASE_FOR_NANOS + POLL + 1);
    assertThat(s.chase(200, now)).isFalse();
    s.begun(2, now);
    s.observed(2, true, true, 95, 100, -1); // lag unknown
    assertThat(s.chase(200, now)).isFalse();
    s.begun(2, now);
    s.observed(2, true, true, 99, 100, ProbeScheduler.CHASE_FOR_NANOS + POLL);
    assertThat(s.chase(200, now)).isTrue();
    assertThat(s.chasing(2, now)).isTrue();
    assertThat(s.chasing(0, now) || s.chasing(1, now)).isFalse();
  }

  @Test
  void aChaseEndsWhenTheTargetIsReachedOrNobodyAsksAnyMore() {
    everyoneCaughtUpAt(100);
    now += POLL;
    s.chase(200, now);
    probeWhenDue(1, false);
    replicaAnswers(1, 200, 200);
    assertThat(s.chasing(1, now)).isFalse();

    long asked = now;
    s.chase(300, now);
    assertThat(s.chasing(2, now)).isTrue();
    now = asked + ProbeScheduler.CHASE_FOR_NANOS - 1;
    assertThat(s.chasing(2, now)).isTrue();
    now += 1;
    assertThat(s.chasing(2, now)).isFalse();
  }

  /** The worst case: every probe requested at once, for ten seconds. */
  @Test
  void noHostIsProbedMoreThanOneHundredTimesInAnySecond() {
    everyoneCaughtUpAt(100);
    long start = now;
    long[] times = new long[20_000];
    int n = 0;
    while (now - start < 10_000 * MS) {
      times[n++] = probeWhenDue(0, true);
      now += 100_000; // a request every 0.1 ms
    }
    // At most 100 in every window of one second, and the long-run rate is the bucket's.
    for (int i = 0, j = 0; i < n; i++) {
      while (times[i] - times[j] >= 1_000 * MS) {
        j++;
      }
      assertThat(i - j + 1).isLessThanOrEqualTo(100);
    }
    assertThat(n).isBetween(940, 960 + ProbeScheduler.BURST);
  }

  @Test
  void aChasedReplicaUnderContinuousWritesStaysWithinTheCap() {
    everyoneCaughtUpAt(100);
    long start = now;
    long position = 100;
    int[] count = new int[3];
    long nextWrite = now;
    long[] next = {Long.MAX_VALUE, now, now};
    for (int r = 1; r <= 2; r++) {
      next[r] = s.dueAt(r, false, now);
    }
    while (now - start < 5_000 * MS) {
      // A write every 0.2 ms, each one chased; replicas replay everything at once.
      if (now - nextWrite >= 0) {
        position++;
        s.chase(position, now);
        nextWrite += 200_000;
      }
      for (int r = 1; r <= 2; r++) {
        long due = s.dueAt(r, false, now);
        if (now - due >= 0) {
          s.begun(r, now);
          count[r]++;
          replicaAnswers(r, position, position);
        }
      }
      now += 50_000;
    }
    for (int r = 1; r <= 2; r++) {
      assertThat(count[r]).isBetween(400, 5 * 100);
    }
  }
}
