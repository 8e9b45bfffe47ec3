package dev.lagwise.routing;

/**
 * The per-cluster monitor as routing sees it: the current {@link ClusterView} and the requests a
 * router makes of the monitor. Implemented by the lag monitor; a table of views in tests.
 */
public interface Topology {

  /** The current view: one volatile read, no allocation. */
  ClusterView view();

  /** A read needs a primary sample sent from now on; {@code thenChase}: chase replicas to it. */
  void requestPrimaryProbe(boolean thenChase);

  /**
   * Someone waits for {@code position}: probe a replica that is behind it and can reach it soon
   * more often than the poll until it does (within the monitor's probe budget).
   */
  void chase(long position);

  /** Waits until a view other than {@code seen} is published, or the time passes. */
  void awaitNewView(ClusterView seen, long timeoutNanos) throws InterruptedException;
}
