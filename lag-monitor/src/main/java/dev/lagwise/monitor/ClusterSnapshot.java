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
 */
public final class ClusterSnapshot implements ClusterView {

  private final NodeStatus[] status;

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
      NodeStatus[] status,
      boolean[] healthy,
      long[] probedAtNanos,
      long[] sentAtNanos,
      long[] positions,
      long[] freshAsOfNanos,
      String[] errors,
      long primaryPosition,
      long primarySentNanos,
      long staleAfterNanos) {
    this.status = status;
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
    return new ClusterSnapshot(
        s,
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

  /** A copy with one host's new probe result. */
  ClusterSnapshot with(
      int node,
      NodeStatus newStatus,
      boolean newHealthy,
      long probedAt,
      long sentAt,
      long position,
      long freshAsOf,
      long newPrimaryPosition,
      long newPrimarySentNanos,
      String error) {
    NodeStatus[] s = status.clone();
    boolean[] h = healthy.clone();
    long[] t = probedAtNanos.clone();
    long[] sent = sentAtNanos.clone();
    long[] p = positions.clone();
    long[] f = freshAsOfNanos.clone();
    String[] e = errors.clone();
    s[node] = newStatus;
    h[node] = newHealthy;
    t[node] = probedAt;
    sent[node] = sentAt;
    p[node] = position;
    f[node] = freshAsOf;
    e[node] = error;
    return new ClusterSnapshot(
        s, h, t, sent, p, f, e, newPrimaryPosition, newPrimarySentNanos, staleAfterNanos);
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
            status,
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

  /** A copy in which a failed host is DOWN; what was known of its position is kept. */
  ClusterSnapshot down(int node, long probedAt, String error) {
    return with(
        node,
        NodeStatus.DOWN,
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

  /** The status as last recorded, fresh or not. */
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
   * replica made writable, a failover whose old primary still takes writes). A primary is trusted
   * longer than a replica's freshness: writes only need to know where to go.
   */
  @Override
  public int primary() {
    int primary = -1;
    for (int i = 0; i < status.length; i++) {
      if (status[i] == NodeStatus.PRIMARY) {
        if (primary >= 0) {
          return -1; // two hosts act as primary: never guess which one takes writes
        }
        primary = i;
      }
    }
    return primary;
  }

  /** True when more than one host was last seen as primary: {@link #primary()} is then -1. */
  @Override
  public boolean primaryContested() {
    int primaries = 0;
    for (NodeStatus s : status) {
      if (s == NodeStatus.PRIMARY) {
        primaries++;
      }
    }
    return primaries > 1;
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
    return primaryPosition < 0 || positions[node] < 0
        ? -1
        : Math.max(0, primaryPosition - positions[node]);
  }

  /** How old the data on {@code node} may be at {@code nowNanos}, in nanoseconds; -1 unknown. */
  public long lagNanos(int node, long nowNanos) {
    return freshAsOfNanos[node] == PositionHistory.UNKNOWN
        ? -1
        : Math.max(0, nowNanos - freshAsOfNanos[node]);
  }

  /** The last error seen on {@code node}, or null. Never contains a password. */
  public String error(int node) {
    return errors[node];
  }

  @Override
  public String toString() {
    return Arrays.toString(status) + " positions " + Arrays.toString(positions);
  }
}
