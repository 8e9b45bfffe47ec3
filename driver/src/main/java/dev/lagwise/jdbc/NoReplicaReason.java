package dev.lagwise.jdbc;

import dev.lagwise.RouteReason;
import dev.lagwise.monitor.ClusterSnapshot;
import dev.lagwise.monitor.NodeStatus;

/**
 * Why a read that wanted a replica fell back to the primary, told from the snapshot after the fact
 * (only on the fallback path, never for a read a replica serves).
 */
final class NoReplicaReason {

  private NoReplicaReason() {}

  /**
   * A replica usable within maxLag was passed over only because of the session's consistency
   * requirement (a position it had not replayed, or a switch that could show older data than the
   * last read): {@link RouteReason#TOKEN_NOT_SATISFIED}. A replica that answered as a replica but
   * is beyond maxLag, or whose lag is unknown (including a last probe older than the monitor's
   * deadline): {@link RouteReason#LAG_BOUND}. Otherwise: {@link RouteReason#REPLICA_DOWN}.
   */
  static RouteReason of(ClusterSnapshot s, long nowNanos, long maxLagNanos) {
    boolean replicaUp = false;
    for (int i = 0; i < s.size(); i++) {
      if (s.isUsableReplica(i, nowNanos, maxLagNanos)) {
        return RouteReason.TOKEN_NOT_SATISFIED;
      }
      replicaUp |= s.status(i) == NodeStatus.REPLICA;
    }
    return replicaUp ? RouteReason.LAG_BOUND : RouteReason.REPLICA_DOWN;
  }
}
