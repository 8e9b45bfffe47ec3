package dev.lagwise.jdbc;

import dev.lagwise.monitor.ClusterSnapshot;
import java.sql.SQLException;

/**
 * Picks the replica for one logical connection's read: usable in the current snapshot (a replica,
 * freshly probed, within {@code lagwise.maxLag}), at or past the position the session needs, not
 * older than what the session already read, and by the balancer's rule. Allocation-free: the
 * routing hot path calls {@link #choose} once per read.
 */
final class ReplicaChooser {

  private final Cluster cluster;
  private final SessionConsistency consistency;
  private final boolean leastInFlight;
  final long maxLagNanos;
  private final long waitNanos;

  /** Round-robin: the replica this connection keeps while it stays usable; -1 none yet. */
  private int preferred = -1;

  /** Least-in-flight: where the scan starts, so that ties rotate. */
  private int tieBreak;

  ReplicaChooser(Cluster cluster, ConnectionSpec spec, SessionConsistency consistency) {
    this.cluster = cluster;
    this.consistency = consistency;
    this.leastInFlight = spec.settings.loadBalance == Settings.LoadBalance.LEAST_IN_FLIGHT;
    this.maxLagNanos = spec.settings.maxLag.toNanos();
    this.waitNanos = spec.settings.waitForReplica.toNanos();
    this.tieBreak = cluster.nextReplicaTicket();
  }

  /**
   * A replica for a read that needs what the session must see, waiting up to {@code
   * lagwise.waitForReplica} for one to catch up; -1 when none qualifies.
   */
  int forRead() throws SQLException {
    ClusterSnapshot s = cluster.snapshot();
    long need = consistency.need(s);
    int replica = choose(s, need, false);
    if (replica >= 0) {
      return replica;
    }
    if (need >= 0 && need != Long.MAX_VALUE) {
      // Perhaps a replica has replayed it already and the monitor does not know yet.
      cluster.monitor.chase(need);
    }
    if (waitNanos > 0) {
      long deadline = System.nanoTime() + waitNanos;
      for (long left = waitNanos; left > 0; left = deadline - System.nanoTime()) {
        try {
          cluster.monitor.awaitNewSnapshot(s, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
        s = cluster.snapshot();
        replica = choose(s, consistency.need(s), false);
        if (replica >= 0) {
          return replica;
        }
      }
    }
    return -1;
  }

  /** A replica for an explicit {@code /*lagwise:replica*}{@code /} hint: tokens do not apply. */
  int forHint() {
    return choose(cluster.snapshot(), -1, true);
  }

  /** A replica within maxLag that has replayed {@code need}, by the balancer's rule; or -1. */
  private int choose(ClusterSnapshot s, long need, boolean hinted) {
    long now = System.nanoTime();
    int n = s.size();
    if (leastInFlight) {
      // Ties (common: little concurrency) rotate, so they do not all land on the first host.
      int start = tieBreak++ & Integer.MAX_VALUE;
      int best = -1;
      int bestLoad = Integer.MAX_VALUE;
      for (int k = 0; k < n; k++) {
        int i = (start + k) % n;
        if (usable(s, i, now, need, hinted) && cluster.inFlight.get(i) < bestLoad) {
          best = i;
          bestLoad = cluster.inFlight.get(i);
        }
      }
      return best;
    }
    if (preferred >= 0 && usable(s, preferred, now, need, hinted)) {
      return preferred;
    }
    int start = cluster.nextReplicaTicket();
    for (int i = 0; i < n; i++) {
      int candidate = (start + i) % n;
      if (usable(s, candidate, now, need, hinted)) {
        preferred = candidate;
        return candidate;
      }
    }
    return -1;
  }

  private boolean usable(ClusterSnapshot s, int node, long now, long need, boolean hinted) {
    return s.isUsableReplica(node, now, maxLagNanos)
        && s.position(node) >= need
        && (hinted || consistency.mayRead(node));
  }

  /** {@code node} failed: a round-robin connection picks another next time. */
  void forget(int node) {
    if (preferred == node) {
      preferred = -1;
    }
  }

  void started(int node) {
    if (leastInFlight) {
      cluster.inFlight.incrementAndGet(node);
    }
  }

  void finished(int node) {
    if (leastInFlight) {
      cluster.inFlight.decrementAndGet(node);
    }
  }
}
