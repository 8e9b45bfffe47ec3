package dev.lagwise.routing;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every router of one cluster in this JVM shares: the JVM-wide causal position, the balancer's
 * counters, and the count of waits for a replica. Owned by the driver's per-cluster object;
 * lock-free.
 */
public final class SharedPositions {

  /** No pending moment. */
  static final long NONE = Long.MIN_VALUE;

  /**
   * Under causal scope: the highest position any connection of this JVM has committed through this
   * cluster; every read must see it.
   */
  final AtomicLong causal = new AtomicLong(-1);

  /**
   * Under causal scope: the latest moment a write committed whose position is not known (observed
   * capture, a failed capture); every read needs the primary as sampled after it. {@link #NONE}:
   * none.
   */
  final AtomicLong causalAfter = new AtomicLong(NONE);

  /** Statements running per node, from this JVM, for least-in-flight. */
  final AtomicIntegerArray inFlight;

  private final AtomicInteger nextReplica = new AtomicInteger();

  /** Reads that waited for a replica, for statistics. */
  public final ReplicaWaits waits = new ReplicaWaits();

  public SharedPositions(int nodes) {
    this.inFlight = new AtomicIntegerArray(nodes);
  }

  /** Next start of a round-robin scan, spread over connections. */
  int nextReplicaTicket() {
    return nextReplica.getAndIncrement() & Integer.MAX_VALUE;
  }

  /** Raises the JVM-wide causal position (a write committed there). */
  public void raiseCausal(long position) {
    causal.accumulateAndGet(position, Math::max);
  }

  /** The JVM-wide causal position (for tests and statistics); -1 none. */
  public long causalPosition() {
    return causal.get();
  }
}
