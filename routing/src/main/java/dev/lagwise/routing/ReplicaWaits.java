package dev.lagwise.routing;

import java.util.concurrent.atomic.LongAdder;

/**
 * Reads that waited ({@code lagwise.waitForReplica}) because no replica qualified when they were
 * routed, for one cluster in this JVM: how many, how long in total, and whether a replica then
 * served them or the wait ran out and they went to the primary. Counted only on that slow path.
 */
public final class ReplicaWaits {

  private final LongAdder served = new LongAdder();
  private final LongAdder servedNanos = new LongAdder();
  private final LongAdder timedOut = new LongAdder();
  private final LongAdder timedOutNanos = new LongAdder();

  void record(long nanos, boolean replicaFound) {
    if (replicaFound) {
      served.increment();
      servedNanos.add(nanos);
    } else {
      timedOut.increment();
      timedOutNanos.add(nanos);
    }
  }

  /** Waits that ended with a replica serving the read. */
  public long served() {
    return served.sum();
  }

  /** Total time of the waits counted by {@link #served()}. */
  public long servedNanos() {
    return servedNanos.sum();
  }

  /** Waits that ran out (or were interrupted): the read went to the primary. */
  public long timedOut() {
    return timedOut.sum();
  }

  /** Total time of the waits counted by {@link #timedOut()}. */
  public long timedOutNanos() {
    return timedOutNanos.sum();
  }
}
