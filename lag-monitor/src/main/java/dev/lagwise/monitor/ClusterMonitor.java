package dev.lagwise.monitor;

import dev.lagwise.routing.ClusterView;
import dev.lagwise.routing.Topology;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * One per cluster per JVM: discovers every host's role and health and publishes them as a {@link
 * ClusterSnapshot}.
 *
 * <p>Invariants: the snapshot is replaced, never mutated, and routing reads it with one volatile
 * read; each host is probed by its own daemon thread ({@link Prober}) on its own connection, so a
 * hung host delays nobody else, and when to probe is {@link ProbeScheduler}'s decision (at most 100
 * probes per host in any second, whatever asks for them); the threads run only while at least one
 * logical connection holds the monitor ({@link #acquire()} / {@link #release()}), so an unused
 * cluster sends no queries. The first {@code acquire} of an idle monitor whose snapshot is stale
 * waits for one probe round, so a new connection can route from its first statement. Only the
 * monitor's own probes change a host's status: what a session met on a host ({@link #suspect})
 * makes the host's prober probe it at once, and the host goes DOWN only if that probe fails, so one
 * connection's error never takes a host away from the others.
 */
public final class ClusterMonitor implements AutoCloseable, Topology {

  private final String name;
  private final List<String> hostNames;
  final NodeProbe probe;
  final NodeConnector connector;
  private final long pollNanos;
  private final long probeTimeoutNanos;
  final LongSupplier ticker;

  private volatile ClusterSnapshot snapshot;

  /** The primary's positions over time; guarded by this. */
  private final PositionHistory history = new PositionHistory(4096);

  private int historyOwner = -1;

  /**
   * Between two wakes of the primary's prober by {@link #requestPrimaryProbe}: keeps the request
   * path from unparking a thread per statement; the probes themselves are capped by {@link
   * ProbeScheduler}.
   */
  static final long PRIMARY_WAKE_NANOS = 1_000_000L;

  /** The epoch (timeline) of the history's owner when it was last sampled; guarded by this. */
  private long historyEpoch = -1;

  /** Between two probes that answer suspicions of one host (at most 100 per second per host). */
  static final long SUSPICION_SPACING_NANOS = 10_000_000L;

  final Suspicions suspicions;

  /**
   * Per host: when the last probe that has answered (or failed) was begun; guarded by this. What
   * {@link #probeNow} waits for: a probe begun before it may have used old credentials.
   */
  private final long[] answeredBegun;

  /** When each host is probed next: the probe budget. */
  final ProbeScheduler scheduler;

  /** Probes sent per host since the monitor was created; for statistics and benchmarks. */
  final AtomicLongArray probesSent;

  private volatile long lastPrimaryWake = Long.MIN_VALUE / 2;

  private volatile boolean chaseAfterPrimarySample;

  private int users;
  private Prober[] probers;

  /**
   * @param hostNames one display name per host ({@code host:port}), in URL order
   * @param probe the query that reads a host's role and log position
   */
  public ClusterMonitor(
      String name,
      List<String> hostNames,
      NodeProbe probe,
      NodeConnector connector,
      Duration pollInterval,
      Duration probeTimeout,
      LongSupplier ticker) {
    this.name = name;
    this.hostNames = List.copyOf(hostNames);
    this.probe = probe;
    this.connector = connector;
    this.pollNanos = pollInterval.toNanos();
    this.probeTimeoutNanos = probeTimeout.toNanos();
    this.ticker = ticker;
    this.suspicions =
        new Suspicions(hostNames.size(), Math.min(SUSPICION_SPACING_NANOS, pollNanos));
    this.answeredBegun = new long[hostNames.size()];
    Arrays.fill(answeredBegun, Long.MIN_VALUE / 2);
    this.scheduler = new ProbeScheduler(hostNames.size(), pollNanos, System.nanoTime());
    this.probesSent = new AtomicLongArray(hostNames.size());
    // A status survives a few missed polls (a GC pause, a slow probe) before it counts as unknown.
    this.snapshot = ClusterSnapshot.initial(hostNames.size(), 3 * pollNanos + probeTimeoutNanos);
  }

  /** The current view; one volatile read. */
  @Override
  public ClusterView view() {
    return snapshot;
  }

  @Override
  public void awaitNewView(ClusterView seen, long timeoutNanos) throws InterruptedException {
    awaitNewSnapshot((ClusterSnapshot) seen, timeoutNanos);
  }

  public ClusterSnapshot snapshot() {
    return snapshot;
  }

  public List<String> hostNames() {
    return hostNames;
  }

  /**
   * Starts probing if idle. When the snapshot is not fresh (first use, or idle past its deadline)
   * waits for one probe round, bounded by the probe timeout, so routing starts from facts.
   */
  public void acquire() {
    long now = ticker.getAsLong();
    synchronized (this) {
      if (users++ == 0) {
        probers = new Prober[hostNames.size()];
        for (int i = 0; i < probers.length; i++) {
          probers[i] = new Prober(this, i);
          probers[i].start();
        }
      }
    }
    if (!snapshot.isFresh(now)) {
      awaitRoundSince(now);
    }
  }

  /**
   * Probes every host now (waking the probe threads) and waits until each has answered or failed,
   * bounded by twice the probe timeout. Used when the snapshot says nothing is reachable, which may
   * be old news.
   */
  public void probeNow() {
    long now = ticker.getAsLong();
    wakeProbers();
    awaitRoundSince(now);
  }

  private void wakeProbers() {
    Prober[] p;
    synchronized (this) {
      p = probers;
    }
    if (p != null) {
      for (Prober prober : p) {
        prober.request();
      }
    }
  }

  private synchronized void awaitRoundSince(long sinceNanos) {
    long deadline = System.nanoTime() + 2 * probeTimeoutNanos + pollNanos;
    while (!allAnsweredSince(sinceNanos) && probers != null) {
      long waitMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (waitMillis <= 0) {
        return;
      }
      try {
        wait(waitMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** True when every host has answered (or failed) a probe begun at or after {@code sinceNanos}. */
  private boolean allAnsweredSince(long sinceNanos) {
    for (long begun : answeredBegun) {
      if (begun - sinceNanos < 0) {
        return false;
      }
    }
    return true;
  }

  /** Stops the probe threads when the last user is gone. */
  public void release() {
    Prober[] stopping = null;
    synchronized (this) {
      if (users > 0 && --users == 0) {
        stopping = probers;
        probers = null;
      }
    }
    if (stopping != null) {
      for (Prober p : stopping) {
        p.shutdown();
      }
    }
  }

  /** Number of logical connections holding the monitor; for tests and statistics. */
  public synchronized int users() {
    return users;
  }

  /**
   * True when a connect error with {@code sqlState} is the server refusing this session (its
   * credentials, database, properties; 08004) rather than the host being unreachable: the one rule
   * both for the monitor's evidence and for the driver's choice between trying the next host and
   * throwing the vendor's error ({@link Suspicions#concernsSession}).
   */
  public static boolean refusesSession(String sqlState) {
    return Suspicions.concernsSession(sqlState);
  }

  /**
   * A session met a connection error with {@code sqlState} on {@code node} (a statement's vendor
   * connection broke, or a connect failed): evidence, not a verdict. The host's prober probes it at
   * once ({@link Suspicions}: at most one such probe per {@link #SUSPICION_SPACING_NANOS}), and
   * only a failed probe takes it out of routing; meanwhile every other connection keeps using it.
   * An error that says the session's credentials or properties are wrong ({@link
   * Suspicions#concernsSession}) is ignored: a wrong password must not mark a host down for
   * everyone else.
   */
  public void suspect(int node, String sqlState) {
    if (Suspicions.concernsSession(sqlState)) {
      return;
    }
    suspicions.report(node);
    Prober[] p;
    synchronized (this) {
      p = probers;
    }
    if (p != null) {
      LockSupport.unpark(p[node]);
    }
  }

  /** True while a suspicion of {@code node} waits for its probe; for tests. */
  boolean suspected(int node) {
    return suspicions.pending(node);
  }

  /**
   * Someone needs to know when a replica reaches {@code position} (a write just committed it, or a
   * read needs it): replicas that can reach it soon are probed more often than every poll interval,
   * within each host's probe budget ({@link ProbeScheduler}). Off the request thread.
   */
  @Override
  public void chase(long position) {
    if (scheduler.chase(position, System.nanoTime())) {
      Prober[] p;
      synchronized (this) {
        p = probers;
      }
      if (p != null) {
        for (Prober prober : p) {
          LockSupport.unpark(prober);
        }
      }
    }
  }

  /** Probes this monitor has sent to {@code node} (connect failures included). */
  public long probesSent(int node) {
    return probesSent.get(node);
  }

  /**
   * A read needs a primary sample sent from now on: probe the primary now (after the probe in
   * flight, if any, and when the primary's probe budget allows). The thread is woken at most once
   * per {@link #PRIMARY_WAKE_NANOS}.
   */
  public void requestPrimaryProbe() {
    requestPrimaryProbe(false);
  }

  /**
   * As {@link #requestPrimaryProbe()}; with {@code thenChase}, replicas are then chased to the
   * position that sample shows — for a write whose own position was not asked for ({@code
   * capture=observed}), so that replicas are known to have it by the time a read comes.
   */
  @Override
  public void requestPrimaryProbe(boolean thenChase) {
    if (thenChase) {
      chaseAfterPrimarySample = true;
    }
    long now = ticker.getAsLong();
    if (now - lastPrimaryWake < PRIMARY_WAKE_NANOS) {
      return;
    }
    lastPrimaryWake = now;
    Prober[] p;
    int primary = snapshot.primary();
    synchronized (this) {
      p = probers;
    }
    if (p != null && primary >= 0) {
      p[primary].request();
    }
  }

  /**
   * Waits until a snapshot other than {@code seen} is published, or {@code timeoutNanos} passes.
   * For reads that may wait for a replica to catch up.
   */
  public synchronized void awaitNewSnapshot(ClusterSnapshot seen, long timeoutNanos)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeoutNanos;
    while (snapshot == seen) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  /** Records what a probe sent at {@code sentNanos} found, and publishes a new snapshot. */
  synchronized void observed(int node, Observation o, long sentNanos) {
    observed(node, o, sentNanos, sentNanos);
  }

  /**
   * As {@link #observed(int, Observation, long)}, for a probe begun (connect included) at {@code
   * begun}.
   */
  synchronized void observed(int node, Observation o, long sentNanos, long begun) {
    answeredBegun[node] = begun;
    long now = ticker.getAsLong();
    NodeStatus claim = o.replica() ? NodeStatus.REPLICA : NodeStatus.PRIMARY;
    // Roles first (a claimant on an older timeline is DIVERGED): they decide whose positions the
    // history follows.
    ClusterSnapshot roles =
        snapshot.with(
            node,
            claim,
            o.epoch(),
            o.diverged(),
            o.healthy(),
            now,
            sentNanos,
            o.position(),
            PositionHistory.UNKNOWN,
            snapshot.primaryPosition(),
            snapshot.primarySentNanos(),
            null);
    boolean primary = roles.status(node) == NodeStatus.PRIMARY;
    if (primary
        && historyOwner != node
        && (historyOwner < 0 || roles.status(historyOwner) != NodeStatus.PRIMARY)) {
      // A new primary (promotion, or the old one found on an older timeline): positions of the old
      // one say nothing about it.
      history.clear();
      historyOwner = node;
      historyEpoch = o.epoch();
    } else if (primary && historyOwner == node && o.epoch() != historyEpoch) {
      // Same host, another timeline (demoted, rewound and promoted again while we looked away):
      // its positions beyond the fork are of another history.
      if (o.epoch() >= 0 && historyEpoch >= 0) {
        history.clear();
      }
      historyEpoch = o.epoch();
    }
    // While two hosts act as primary the history stays the first one's: alternating owners
    // would clear it at every probe. Writes are refused until one of them steps down.
    boolean sample = primary && o.position() >= 0 && historyOwner == node;
    if (sample) {
      history.add(sentNanos, o.position());
    }
    long freshAsOf = o.replica() ? history.freshAsOf(o.position()) : sentNanos;
    long primarySent = sample ? sentNanos : snapshot.primarySentNanos();
    ClusterSnapshot next =
        snapshot.with(
            node,
            claim,
            o.epoch(),
            o.diverged(),
            o.healthy(),
            now,
            sentNanos,
            o.position(),
            freshAsOf,
            history.latestPosition(),
            primarySent,
            null);
    if (sample) {
      next = next.withReplicasAtOrPast(o.position(), sentNanos);
    }
    snapshot = next;
    notifyAll();
    scheduler.observed(
        node,
        o.replica(),
        o.healthy(),
        o.position(),
        history.latestPosition(),
        o.replica() ? next.lagNanos(node, now) : 0);
    if (sample && chaseAfterPrimarySample) {
      chaseAfterPrimarySample = false;
      chase(o.position());
    }
  }

  /** A probe of {@code node} begun at {@code begun} failed with {@code error}. */
  synchronized void failed(int node, String error, long begun) {
    answeredBegun[node] = begun;
    snapshot = snapshot.down(node, ticker.getAsLong(), error);
    notifyAll();
    scheduler.failed(node);
  }

  @Override
  public void close() {
    Prober[] stopping;
    synchronized (this) {
      stopping = probers;
      probers = null;
      users = 0;
    }
    if (stopping != null) {
      for (Prober p : stopping) {
        p.shutdown();
      }
    }
  }

  @Override
  public String toString() {
    return "ClusterMonitor[" + name + " " + snapshot + "]";
  }
}
