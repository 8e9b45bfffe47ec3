package dev.lagwise.monitor;

/**
 * When each host's prober sends its next probe: pure logic, every time handed in by the caller (the
 * probers' {@code System.nanoTime()}, a test's counter).
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li><b>Hard cap.</b> Every probe of a host, whatever asked for it (poll, chase, a primary
 *       sample a read needs, a suspicion, {@code probeNow}), takes a token from that host's bucket:
 *       {@link #BURST} tokens, refilled one per {@link #TOKEN_NANOS}. Any window of {@code t}
 *       seconds therefore holds at most {@code BURST + RATE × t} probes of one host from one
 *       monitor: at most 100 in any second. The prober is one thread per host, so at most one probe
 *       per host is in flight.
 *   <li><b>Chase only what can pay off.</b> A position someone waits for is given to one replica,
 *       the one with the most budget left (then the one probed least recently), not to all: a read
 *       needs one replica that has it, and alternating doubles how many writes per second the
 *       replicas together can follow (a PostgreSQL write's captured position releases the session's
 *       pin to its last replica, so its next read may use either). A replica is chased only while
 *       it is a healthy replica whose last probe showed it behind the target, not paused (its
 *       position unchanged over {@link #PAUSED_AFTER} probes while the primary was ahead) and
 *       within reach: its lag at most {@link #CHASE_FOR_NANOS} plus the poll interval (the
 *       resolution of the primary's position history, by which a measured lag may be too high). A
 *       replica further behind does not replay a write a few milliseconds old within the chase
 *       window; the regular poll finds it when it catches up.
 *   <li><b>Backoff.</b> Chase probes of a host are at least its spacing apart, starting at {@link
 *       #CHASE_MIN_NANOS} after the chase began; each chase probe that shows no progress doubles
 *       the spacing up to the poll interval; progress (the position moved) resets it.
 *   <li>A chase ends when the target is reached, the host stops qualifying, or {@link
 *       #CHASE_FOR_NANOS} passes without a new request for it.
 * </ul>
 *
 * <p>Guarded by this; called by the probers and by {@link ClusterMonitor#chase}, never per
 * statement except through {@code chase}, which writes and token-less reads call.
 */
final class ProbeScheduler {

  /** Tokens refilled per second per host. */
  static final long RATE = 95;

  /** Tokens a host's bucket holds: {@code BURST + RATE} ≤ 100 probes in any second. */
  static final int BURST = 5;

  static final long TOKEN_NANOS = 1_000_000_000L / RATE;

  /** The first chase probe after a chase begins, and the smallest spacing between chase probes. */
  static final long CHASE_MIN_NANOS = 1_000_000L;

  /** How long a host is chased after the last request for its target. */
  static final long CHASE_FOR_NANOS = 50_000_000L;

  /**
   * Probes without movement while the primary is ahead after which a replica counts as paused: by
   * then a chase has backed off to the poll interval (1 + 2 + … + 64 ms with the default 100 ms).
   */
  static final int PAUSED_AFTER = 8;

  private final long pollNanos;
  private final long reachNanos;

  /** GCRA form of the bucket: the theoretical arrival time of the next probe. */
  private final long[] tat;

  private final long[] lastBegun;
  private final long[] spacing;
  private final long[] target;
  private final long[] chaseStart;
  private final long[] chaseUntil;
  private final long[] lastPosition;
  private final int[] stalled;
  private final boolean[] chaseable;
  private final boolean[] probedSinceTarget;

  ProbeScheduler(int hosts, long pollNanos, long nowNanos) {
    this.pollNanos = pollNanos;
    this.reachNanos = CHASE_FOR_NANOS + pollNanos;
    tat = new long[hosts];
    lastBegun = new long[hosts];
    spacing = new long[hosts];
    target = new long[hosts];
    chaseStart = new long[hosts];
    chaseUntil = new long[hosts];
    lastPosition = new long[hosts];
    stalled = new int[hosts];
    chaseable = new boolean[hosts];
    probedSinceTarget = new boolean[hosts];
    for (int i = 0; i < hosts; i++) {
      tat[i] = nowNanos;
      lastBegun[i] = nowNanos - pollNanos;
      spacing[i] = Math.min(CHASE_MIN_NANOS, pollNanos);
      target[i] = -1;
      lastPosition[i] = -1;
    }
  }

  /** The earliest moment the bucket of {@code host} allows a probe. */
  synchronized long allowedAt(int host) {
    return tat[host] - (BURST - 1) * TOKEN_NANOS;
  }

  /**
   * When {@code host} should be probed next: at once when {@code requested} (a request or a due
   * suspicion), else one spacing after the last probe while chased, else one poll interval after
   * it; never before its bucket allows.
   */
  synchronized long dueAt(int host, boolean requested, long now) {
    long due;
    if (requested) {
      due = now;
    } else if (chasing(host, now)) {
      due = Math.min(lastBegun[host] + pollNanos, lastBegun[host] + spacing[host]);
      due = later(due, chaseStart[host] + CHASE_MIN_NANOS);
    } else {
      due = lastBegun[host] + pollNanos;
    }
    return later(due, allowedAt(host));
  }

  /** True while {@code host} is chased to a position it has not shown yet. */
  synchronized boolean chasing(int host, long now) {
    return target[host] >= 0 && chaseable[host] && now - chaseUntil[host] < 0;
  }

  /** A probe of {@code host} begins now: it takes a token. */
  synchronized void begun(int host, long now) {
    lastBegun[host] = now;
    tat[host] = later(tat[host], now) + TOKEN_NANOS;
    if (target[host] >= 0) {
      probedSinceTarget[host] = true;
    }
  }

  /**
   * A probe of {@code host} answered: its role, health and position; the primary's latest known
   * position; the host's lag in time (-1 when unknown).
   */
  synchronized void observed(
      int host, boolean replica, boolean healthy, long position, long primaryPosition, long lag) {
    boolean wasChased = target[host] >= 0 && probedSinceTarget[host];
    if (position > lastPosition[host]) {
      stalled[host] = 0;
      spacing[host] = Math.min(CHASE_MIN_NANOS, pollNanos);
    } else if (position < primaryPosition) {
      stalled[host]++;
      if (wasChased) {
        spacing[host] = Math.min(2 * spacing[host], pollNanos);
      }
    }
    lastPosition[host] = position;
    chaseable[host] =
        replica
            && healthy
            && stalled[host] < PAUSED_AFTER
            && lag >= 0
            && lag <= reachNanos
            && position >= 0;
    if (!chaseable[host] || position >= target[host]) {
      target[host] = -1;
    }
  }

  /** A probe of {@code host} failed: it is chased no more until a probe answers. */
  synchronized void failed(int host) {
    chaseable[host] = false;
    target[host] = -1;
    stalled[host] = 0;
    lastPosition[host] = -1;
  }

  /**
   * Someone waits for a replica to reach {@code position}: unless a qualifying replica has shown it
   * or is chased to it already (then that chase is extended), the qualifying replica with the most
   * budget is chased to it. True when a chase began, so the probers should look at their schedule
   * again.
   */
  synchronized boolean chase(long position, long now) {
    int best = -1;
    for (int i = 0; i < target.length; i++) {
      if (!chaseable[i]) {
        continue;
      }
      if (lastPosition[i] >= position) {
        return false;
      }
      if (target[i] >= position && now - chaseUntil[i] < 0) {
        chaseUntil[i] = now + CHASE_FOR_NANOS;
        return false;
      }
      if (best < 0
          || allowedAt(i) - allowedAt(best) < 0
          || (allowedAt(i) == allowedAt(best) && lastBegun[i] - lastBegun[best] < 0)) {
        best = i;
      }
    }
    if (best < 0) {
      return false;
    }
    boolean began = !chasing(best, now);
    if (began) {
      chaseStart[best] = now;
      probedSinceTarget[best] = false;
    }
    target[best] = Math.max(target[best], position);
    chaseUntil[best] = now + CHASE_FOR_NANOS;
    return began;
  }

  /** The current chase spacing of {@code host}; for tests. */
  synchronized long spacing(int host) {
    return spacing[host];
  }

  private static long later(long a, long b) {
    return a - b >= 0 ? a : b;
  }
}
