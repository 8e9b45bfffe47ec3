package dev.lagwise.monitor;

import dev.lagwise.routing.ClusterView;
import java.util.Arrays;

/**
 * An immutable view of the cluster, published by {@link ClusterMonitor} through one volatile field
 * and read by routing without locks or allocation.
 *
 * <p>Invariants: each host's status carries the local time of the probe that produced it, and a
 * status older than the monitor's deadline counts as unknown, so a stalled monitor sends reads to
 * the primary rather than to a replica nobody has looked at. A replica's lag in time is "now minus
 * the local time up to which it has every commit" ({@link PositionHistory}); when that time is
 * unknown, so is the lag, and the replica is not usable for reads that carry a lag bound.
 *
 * <p>Roles after a failover. The probes report what each host claims ({@code claimed}); the roles
 * routing sees are resolved here, once per snapshot, from those claims and the hosts' epochs
 * (PostgreSQL timelines, {@link Observation#epoch()}). {@code topEpoch} is the highest epoch any
 * host has claimed as primary since the monitor started; it never goes down. Then:
 *
 * <ul>
 *   <li>a host that claims primary on a known epoch below {@code topEpoch} is DIVERGED: a promoted
 *       standby started a later timeline, so the old primary (still running: split brain) takes no
 *       write, and not again when the promoted one goes down;
 *   <li>the primary is the one remaining claimant; two or more (equal or unknown epochs) are
 *       contested: {@link #primary()} is -1 and writes are refused, never guessed;
 *   <li>a replica on a known epoch other than {@code topEpoch} is DIVERGED (a standby still
 *       following the old primary, or an old primary restarted as a standby without rewind, whose
 *       LSN may be ahead of the new primary's), as is any host whose probe found transactions the
 *       primary lacks ({@link Observation#diverged()}); it serves no read until it reports the
 *       primary's epoch.
 * </ul>
 *
 * Unknown epochs (-1: MySQL, MariaDB, a PostgreSQL role without the privilege to read a standby's
 * timeline) are never compared: such hosts keep the roles they claim.
 */
public final class ClusterSnapshot implements ClusterView {

  /** As each host's last probe found it (PRIMARY, REPLICA, DOWN, UNKNOWN). */
  private final NodeStatus[] claimed;

  /** {@link #claimed} with the roles resolved (class comment): what routing sees. */
  private final NodeStatus[] status;

  private final long[] epochs;
  private final boolean[] divergedByProbe;
  private final long topEpoch;
  private final int primary;
  private final boolean contested;

  /** Per replica: its replication runs; an unhealthy replica serves no read. */
  private final boolean[] healthy;

  private final long[] probedAtNanos;
  private final long[] sentAtNanos;
  private final long[] positions;
  private final long[] freshAsOfNanos;
  private final String[] errors;
  private final long primaryPosition;
  private final long primarySentNanos;
  private final long staleAfterNanos;

  private ClusterSnapshot(
      NodeStatus[] claimed,
      long[] epochs,
      boolean[] divergedByProbe,
      long topEpoch,
      boolean[] healthy,
      long[] probedAtNanos,
      long[] sentAtNanos,
      long[] positions,
      long[] freshAsOfNanos,
      String[] errors,
      long primaryPosition,
      long primarySentNanos,
      long staleAfterNanos) {
    this.claimed = claimed;
    this.epochs = epochs;
    this.divergedByProbe = divergedByProbe;
    this.topEpoch = topEpoch;
    this.status = resolve(claimed, epochs, divergedByProbe, topEpoch);
    int p = -1;
    int claimants = 0;
    for (int i = 0; i < status.length; i++) {
      if (status[i] == NodeStatus.PRIMARY) {
        p = i;
        claimants++;
      }
    }
    this.primary = claimants == 1 ? p : -1;
    this.contested = claimants > 1;
    this.healthy = healthy;
    this.probedAtNanos = probedAtNanos;
    this.sentAtNanos = sentAtNanos;
    this.positions = positions;
    this.freshAsOfNanos = freshAsOfNanos;
    this.errors = errors;
    this.primaryPosition = primaryPosition;
    this.primarySentNanos = primarySentNanos;
    this.staleAfterNanos = staleAfterNanos;
  }

  static ClusterSnapshot initial(int nodes, long staleAfterNanos) {
    NodeStatus[] s = new NodeStatus[nodes];
    Arrays.fill(s, NodeStatus.UNKNOWN);
    long[] positions = new long[nodes];
    Arrays.fill(positions, -1);
    long[] fresh = new long[nodes];
    Arrays.fill(fresh, PositionHistory.UNKNOWN);
    long[] sent = new long[nodes];
    Arrays.fill(sent, PositionHistory.UNKNOWN);
    long[] epochs = new long[nodes];
    Arrays.fill(epochs, -1);
    return new ClusterSnapshot(
        s,
        epochs,
        new boolean[nodes],
        -1,
        new boolean[nodes],
        new long[nodes],
        sent,
        positions,
        fresh,
        new String[nodes],
        -1,
        PositionHistory.UNKNOWN,
        staleAfterNanos);
  }

  /** Each host's role as routing sees it: the claims, resolved as the class comment says. */
  private static NodeStatus[] resolve(
      NodeStatus[] claimed, long[] epochs, boolean[] divergedByProbe, long topEpoch) {
    NodeStatus[] r = claimed.clone();
    for (int i = 0; i < r.length; i++) {
      boolean up = r[i] == NodeStatus.PRIMARY || r[i] == NodeStatus.REPLICA;
      boolean otherEpoch =
          topEpoch >= 0
              && epochs[i] >= 0
              && (r[i] == NodeStatus.PRIMARY ? epochs[i] < topEpoch : epochs[i] != topEpoch);
      if (up && (otherEpoch || divergedByProbe[i])) {
        r[i] = NodeStatus.DIVERGED;
      }
    }
    return r;
  }

  /** A copy with one host's new probe result; {@code newStatus} is what the host claims. */
  ClusterSnapshot with(
      int node,
      NodeStatus newStatus,
      long epoch,
      boolean diverged,
      boolean newHealthy,
      long probedAt,
      long sentAt,
      long position,
      long freshAsOf,
      long newPrimaryPosition,
      long newPrimarySentNanos,
      String error) {
    NodeStatus[] s = claimed.clone();
    long[] ep = epochs.clone();
    boolean[] dv = divergedByProbe.clone();
    boolean[] h = healthy.clone();
    long[] t = probedAtNanos.clone();
    long[] sent = sentAtNanos.clone();
    long[] p = positions.clone();
    long[] f = freshAsOfNanos.clone();
    String[] e = errors.clone();
    s[node] = newStatus;
    ep[node] = epoch;
    dv[node] = diverged;
    long top = newStatus == NodeStatus.PRIMARY && !diverged ? Math.max(topEpoch, epoch) : topEpoch;
    h[node] = newHealthy;
    t[node] = probedAt;
    sent[node] = sentAt;
    p[node] = position;
    f[node] = freshAsOf;
    e[node] = error;
    return new ClusterSnapshot(
        s,
        ep,
        dv,
        top,
        h,
        t,
        sent,
        p,
        f,
        e,
        newPrimaryPosition,
        newPrimarySentNanos,
        staleAfterNanos);
  }

  /**
   * A copy in which every replica already known to be at or past {@code primaryAt} (the primary's
   * position at {@code sentNanos}) has every commit up to {@code sentNanos}: positions only grow,
   * so what a replica had replayed at its last probe it still has. This keeps the lag of replicas
   * of an idle primary near zero between their own probes, and lets the first probe round finish
   * with known lags whatever order the hosts answered in.
   */
  ClusterSnapshot withReplicasAtOrPast(long primaryAt, long sentNanos) {
    long[] f = null;
    for (int i = 0; i < status.length; i++) {
      if (status[i] == NodeStatus.REPLICA
          && positions[i] >= primaryAt
          && (freshAsOfNanos[i] == PositionHistory.UNKNOWN || freshAsOfNanos[i] - sentNanos < 0)) {
        if (f == null) {
          f = freshAsOfNanos.clone();
        }
        f[i] = sentNanos;
      }
    }
    return f == null
        ? this
        : new ClusterSnapshot(
            claimed,
            epochs,
            divergedByProbe,
            topEpoch,
            healthy,
            probedAtNanos,
            sentAtNanos,
            positions,
            f,
            errors,
            primaryPosition,
            primarySentNanos,
            staleAfterNanos);
  }

  /** A copy in which a failed host is DOWN; what was known of its position and epoch is kept. */
  ClusterSnapshot down(int node, long probedAt, String error) {
    return with(
        node,
        NodeStatus.DOWN,
        epochs[node],
        divergedByProbe[node],
        false,
        probedAt,
        sentAtNanos[node],
        positions[node],
        PositionHistory.UNKNOWN,
        primaryPosition,
        primarySentNanos,
        error);
  }

  @Override
  public int size() {
    return status.length;
  }

  @Override
  public boolean isReplica(int node) {
    return status[node] == NodeStatus.REPLICA;
  }

  /** The status as last recorded, fresh or not, with roles resolved (DIVERGED: class comment). */
  public NodeStatus status(int node) {
    return status[node];
  }

  /**
   * True if {@code node} was seen as a replica by a probe not older than the deadline and its lag
   * is known and at most {@code maxLagNanos}. The routing hot path: no allocation, no lock.
   */
  @Override
  public boolean isUsableReplica(int node, long nowNanos, long maxLagNanos) {
    return status[node] == NodeStatus.REPLICA
        && healthy[node]
        && nowNanos - probedAtNanos[node] <= staleAfterNanos
        && freshAsOfNanos[node] != PositionHistory.UNKNOWN
        && nowNanos - freshAsOfNanos[node] <= maxLagNanos;
  }

  @Override
  public boolean servesWithoutPrimary(int node, long nowNanos) {
    if (status[node] != NodeStatus.REPLICA
        || !healthy[node]
        || nowNanos - probedAtNanos[node] > staleAfterNanos
        || primaryPosition < 0
        || positions[node] < primaryPosition) {
      return false;
    }
    for (NodeStatus s : status) {
      if (s == NodeStatus.PRIMARY) {
        return false; // a primary is up: maxLag applies as ever
      }
    }
    return true;
  }

  /** True when every host has been probed within the deadline: nothing here is a guess. */
  public boolean isFresh(long nowNanos) {
    for (int i = 0; i < status.length; i++) {
      if (status[i] == NodeStatus.UNKNOWN || nowNanos - probedAtNanos[i] > staleAfterNanos) {
        return false;
      }
    }
    return true;
  }

  /**
   * The node last seen as primary, or -1: none, or more than one ({@link #primaryContested()}: a
   * replica made writable, a failover whose old primary still takes writes on the same or an
   * unknown epoch). A claimant on an older epoch than another is DIVERGED, not contested. A primary
   * is trusted longer than a replica's freshness: writes only need to know where to go.
   */
  @Override
  public int primary() {
    return primary;
  }

  /** True when more than one host was last seen as primary: {@link #primary()} is then -1. */
  @Override
  public boolean primaryContested() {
    return contested;
  }

  /** The epoch the host last reported (PostgreSQL timeline), -1 unknown. */
  public long epoch(int node) {
    return epochs[node];
  }

  /** The highest epoch a host has claimed as primary since the monitor started, -1 unknown. */
  public long topEpoch() {
    return topEpoch;
  }

  /** Why {@code node} is {@link NodeStatus#DIVERGED}, for messages and statistics; null if not. */
  public String divergence(int node) {
    if (status[node] != NodeStatus.DIVERGED) {
      return null;
    }
    if (divergedByProbe[node]) {
      return "diverged: it has transactions the primary does not have";
    }
    return "diverged: timeline "
        + epochs[node]
        + (claimed[node] == NodeStatus.PRIMARY ? ", still writable," : "")
        + " while the primary is on timeline "
        + topEpoch;
  }

  /** False for a replica whose replication is stopped or broken (and for hosts not up). */
  public boolean healthy(int node) {
    return healthy[node];
  }

  /**
   * When the probe that read {@link #position(int)} was sent. A host's position only grows, so that
   * position is at least what any statement that finished on it before this time could see.
   */
  @Override
  public long positionSentNanos(int node) {
    return sentAtNanos[node];
  }

  /** The host's last known log position (written on a primary, replayed on a replica), or -1. */
  @Override
  public long position(int node) {
    return positions[node];
  }

  /** The primary's latest known position (-1 unknown): nothing committed is beyond it. */
  @Override
  public long primaryPosition() {
    return primaryPosition;
  }

  /**
   * When the probe that read {@link #primaryPosition()} was sent; {@link Long#MIN_VALUE} before
   * any. A position received before this time cannot legitimately exceed {@link
   * #primaryPosition()}: that is how untrusted tokens are clamped.
   */
  @Override
  public long primarySentNanos() {
    return primarySentNanos;
  }

  /** How far {@code node} is behind the primary's latest known position, in bytes; -1 unknown. */
  public long lagBytes(int node) {
    return primaryPosition < 0 || positions[node] < 0 || status[node] == NodeStatus.DIVERGED
        ? -1
        : Math.max(0, primaryPosition - positions[node]);
  }

  /**
   * How old the data on {@code node} may be at {@code nowNanos}, in nanoseconds; -1 unknown (and
   * for a DIVERGED host: its positions are of another history).
   */
  public long lagNanos(int node, long nowNanos) {
    return freshAsOfNanos[node] == PositionHistory.UNKNOWN || status[node] == NodeStatus.DIVERGED
        ? -1
        : Math.max(0, nowNanos - freshAsOfNanos[node]);
  }

  /** The last error seen on {@code node}, or null. Never contains a password. */
  public String error(int node) {
    return errors[node];
  }

  @Override
  public String toString() {
    return Arrays.toString(status)
        + " positions "
        + Arrays.toString(positions)
        + " epochs "
        + Arrays.toString(epochs);
  }
}
