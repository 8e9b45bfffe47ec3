package dev.lagwise.monitor;

import java.util.Arrays;

/**
 * An immutable view of the cluster, published by {@link ClusterMonitor} through one volatile field
 * and read by routing without locks. Each node's status carries the time of the probe that produced
 * it; a status older than the monitor's deadline counts as unknown, so a stalled monitor sends
 * reads to the primary rather than to a replica nobody has looked at.
 */
public final class ClusterSnapshot {

  private final NodeStatus[] status;
  private final long[] probedAtNanos;
  private final String[] errors;
  private final long staleAfterNanos;

  ClusterSnapshot(
      NodeStatus[] status, long[] probedAtNanos, String[] errors, long staleAfterNanos) {
    this.status = status;
    this.probedAtNanos = probedAtNanos;
    this.errors = errors;
    this.staleAfterNanos = staleAfterNanos;
  }

  static ClusterSnapshot initial(int nodes, long staleAfterNanos) {
    NodeStatus[] s = new NodeStatus[nodes];
    Arrays.fill(s, NodeStatus.UNKNOWN);
    return new ClusterSnapshot(s, new long[nodes], new String[nodes], staleAfterNanos);
  }

  ClusterSnapshot with(int node, NodeStatus newStatus, long nowNanos, String error) {
    NodeStatus[] s = status.clone();
    long[] t = probedAtNanos.clone();
    String[] e = errors.clone();
    s[node] = newStatus;
    t[node] = nowNanos;
    e[node] = error;
    return new ClusterSnapshot(s, t, e, staleAfterNanos);
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

  /** True when every host has been probed at or after {@code sinceNanos}. */
  boolean allProbedSince(long sinceNanos) {
    for (int i = 0; i < status.length; i++) {
      if (status[i] == NodeStatus.UNKNOWN || probedAtNanos[i] - sinceNanos < 0) {
        return false;
      }
    }
    return true;
  }

  public int size() {
    return status.length;
  }

  /** The status as last recorded, fresh or not. */
  public NodeStatus status(int node) {
    return status[node];
  }

  /** True if {@code node} was seen as a replica by a probe that is not older than the deadline. */
  public boolean isUsableReplica(int node, long nowNanos) {
    return status[node] == NodeStatus.REPLICA && nowNanos - probedAtNanos[node] <= staleAfterNanos;
  }

  /**
   * The node last seen as primary, or -1. A primary is trusted longer than a replica's freshness:
   * writes only need to know where to go, and a wrong guess fails loudly on the server.
   */
  public int primary() {
    for (int i = 0; i < status.length; i++) {
      if (status[i] == NodeStatus.PRIMARY) {
        return i;
      }
    }
    return -1;
  }

  /** The last error seen on {@code node}, or null. Never contains a password. */
  public String error(int node) {
    return errors[node];
  }

  @Override
  public String toString() {
    return Arrays.toString(status);
  }
}
