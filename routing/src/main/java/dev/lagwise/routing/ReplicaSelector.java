package dev.lagwise.routing;

import java.sql.SQLException;
import java.util.function.LongSupplier;

/**
 * Picks the replica for one logical connection's read: usable in the current view (a replica,
 * freshly probed, within {@code maxLag}), at or past the position the session needs, not older than
 * what the session already read, and by the balancer's rule. Allocation-free: the routing hot path
 * calls {@link #choose} once per read.
 */
final class ReplicaSelector {

  private final Topology topology;
  private final SharedPositions shared;
  private final SessionPositions positions;
  private final LongSupplier ticker;
  private final boolean leastInFlight;
  final long maxLagNanos;
  private final long waitNanos;

  /** {@code lagwise.primaryLossReads=continue}: see {@link ClusterView#servesWithoutPrimary}. */
  private final boolean primaryLossReads;

  /** Round-robin: the replica this connection keeps while it stays usable; -1 none yet. */
  private int preferred = -1;

  /** The position the last {@link #forRead} needed, for its error message; -1 none. */
  private long lastNeed = -1;

  /** Least-in-flight: where the scan starts, so that ties rotate. */
  private int tieBreak;

  /**
   * A replica on which this connection's statement just lost its connection: its retry must go
   * elsewhere, while other connections keep the replica until the monitor's probe says it is down;
   * -1 none. Set by {@link #forget}, cleared by {@link #routed}.
   */
  private int avoid = -1;

  ReplicaSelector(
      Topology topology,
      SharedPositions shared,
      SessionPositions positions,
      LongSupplier ticker,
      boolean leastInFlight,
      long maxLagNanos,
      long waitNanos,
      boolean primaryLossReads) {
    this.topology = topology;
    this.shared = shared;
    this.positions = positions;
    this.ticker = ticker;
    this.leastInFlight = leastInFlight;
    this.maxLagNanos = maxLagNanos;
    this.waitNanos = waitNanos;
    this.primaryLossReads = primaryLossReads;
    this.tieBreak = shared.nextReplicaTicket();
  }

  /**
   * A replica for a read that needs what the session must see, waiting up to {@code waitNanos} for
   * one to catch up; -1 when none qualifies.
   */
  int forRead() throws SQLException {
    return forRead(-1);
  }

  /**
   * As {@link #forRead()}, but only {@code only} qualifies when it is not -1 (a session pinned to a
   * replica by state that lives there).
   */
  int forRead(int only) throws SQLException {
    ClusterView s = topology.view();
    long need = positions.need(s);
    lastNeed = need;
    int replica = choose(s, need, false, only);
    if (replica >= 0) {
      return replica;
    }
    if (need >= 0 && need != Long.MAX_VALUE) {
      // Perhaps a replica has replayed it already and the monitor does not know yet.
      topology.chase(need);
    }
    if (waitNanos > 0) {
      long start = ticker.getAsLong();
      long deadline = start + waitNanos;
      for (long left = waitNanos; left > 0; left = deadline - ticker.getAsLong()) {
        try {
          topology.awaitNewView(s, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
        s = topology.view();
        lastNeed = positions.need(s);
        replica = choose(s, lastNeed, false, only);
        if (replica >= 0) {
          shared.waits.record(ticker.getAsLong() - start, true);
          return replica;
        }
      }
      shared.waits.record(ticker.getAsLong() - start, false);
    }
    return -1;
  }

  long lastNeed() {
    return lastNeed;
  }

  /** A replica for an explicit {@code /*lagwise:replica*}{@code /} hint: tokens do not apply. */
  int forHint() {
    lastNeed = -1;
    return choose(topology.view(), -1, true, -1);
  }

  private int choose(ClusterView s, long need, boolean hinted, int only) {
    long now = ticker.getAsLong();
    if (only >= 0) {
      return usable(s, only, now, need, hinted) ? only : -1;
    }
    int n = s.size();
    if (leastInFlight) {
      // Ties (common: little concurrency) rotate, so they do not all land on the first host.
      int start = tieBreak++ & Integer.MAX_VALUE;
      int best = -1;
      int bestLoad = Integer.MAX_VALUE;
      for (int k = 0; k < n; k++) {
        int i = (start + k) % n;
        if (usable(s, i, now, need, hinted) && shared.inFlight.get(i) < bestLoad) {
          best = i;
          bestLoad = shared.inFlight.get(i);
        }
      }
      return best;
    }
    if (preferred >= 0 && usable(s, preferred, now, need, hinted)) {
      return preferred;
    }
    int start = shared.nextReplicaTicket();
    for (int i = 0; i < n; i++) {
      int candidate = (start + i) % n;
      if (usable(s, candidate, now, need, hinted)) {
        preferred = candidate;
        return candidate;
      }
    }
    return -1;
  }

  private boolean usable(ClusterView s, int node, long now, long need, boolean hinted) {
    return node != avoid
        && (s.isUsableReplica(node, now, maxLagNanos)
            || primaryLossReads && s.servesWithoutPrimary(node, now))
        && s.position(node) >= need
        && (hinted || positions.mayRead(node));
  }

  /**
   * Why a read that wanted a replica fell back to the primary, told from the view after the fact
   * (only on the fallback path): a replica usable within maxLag was passed over only because of the
   * session's consistency requirement: {@link RouteReason#TOKEN_NOT_SATISFIED}; a replica that
   * answered as a replica but is beyond maxLag or of unknown lag: {@link RouteReason#LAG_BOUND};
   * otherwise {@link RouteReason#REPLICA_DOWN}.
   */
  RouteReason whyNot(ClusterView s) {
    long now = ticker.getAsLong();
    boolean replicaUp = false;
    for (int i = 0; i < s.size(); i++) {
      if (i == avoid) {
        // The retry of a statement whose connection to it broke: counted as down.
        continue;
      }
      if (s.isUsableReplica(i, now, maxLagNanos)
          || primaryLossReads && s.servesWithoutPrimary(i, now)) {
        return RouteReason.TOKEN_NOT_SATISFIED;
      }
      replicaUp |= s.isReplica(i);
    }
    return replicaUp ? RouteReason.LAG_BOUND : RouteReason.REPLICA_DOWN;
  }

  /**
   * This connection's vendor connection to {@code node} broke: a round-robin connection picks
   * another from now on, and the next routing decision (the failed statement's retry) avoids it.
   */
  void forget(int node) {
    if (preferred == node) {
      preferred = -1;
    }
    avoid = node;
  }

  /** A routing decision has been made: every replica may be chosen again. */
  void routed() {
    avoid = -1;
  }

  void started(int node) {
    if (leastInFlight) {
      shared.inFlight.incrementAndGet(node);
    }
  }

  void finished(int node) {
    if (leastInFlight) {
      shared.inFlight.decrementAndGet(node);
    }
  }
}
