package dev.lagwise.routing;

/**
 * What routing knows of the cluster at one moment: implemented by the lag monitor's immutable
 * snapshot, read with one volatile read per statement. Positions are log positions as numbers (-1
 * unknown); times are {@code System.nanoTime()} values of this JVM.
 */
public interface ClusterView {

  int size();

  /** The node last seen as primary, or -1: none, or several ({@link #primaryContested()}). */
  int primary();

  /**
   * True when more than one host acts as primary: writes are refused with an error naming them,
   * never sent to a guess.
   */
  default boolean primaryContested() {
    return false;
  }

  /**
   * While no host is primary: {@code node} is a healthy replica, freshly probed, that has replayed
   * everything the primary was last seen to have written ({@link #primaryPosition()}). Its data is
   * then as fresh as can be known; how old is the outage's age, {@code now - primarySentNanos()}.
   */
  default boolean servesWithoutPrimary(int node, long nowNanos) {
    return false;
  }

  /** True when the last probe saw {@code node} answering as a replica (fresh or not). */
  boolean isReplica(int node);

  /** Seen as a replica by a probe within the deadline, with a known lag of at most the bound. */
  boolean isUsableReplica(int node, long nowNanos, long maxLagNanos);

  /** The node's last known position (written on the primary, replayed on a replica), or -1. */
  long position(int node);

  /** When the probe that read {@link #position(int)} was sent. */
  long positionSentNanos(int node);

  /** The primary's latest known position, or -1: nothing committed before the sample is beyond. */
  long primaryPosition();

  /** When the probe that read {@link #primaryPosition()} was sent. */
  long primarySentNanos();
}
