package dev.lagwise;

import dev.lagwise.routing.RouteReason;

/**
 * Told where each statement ran, right after it succeeded: for tracing (the Spring Boot starter
 * puts the node on the current span). One listener per JVM, set with {@link
 * LagwiseClusters#setRouteListener}.
 *
 * <p>Called on the statement's own thread, on the per-statement path: an implementation must be
 * quick, must not block, and must not throw (an exception propagates to the statement's caller
 * after the statement has run). The arguments are shared constants: passing them allocates nothing.
 */
@FunctionalInterface
public interface RouteListener {

  /**
   * @param host the host name as written in the URL
   * @param port its port
   * @param reason why the statement ran there
   * @param primary true when the node was the primary, false for a replica
   */
  void routed(String host, int port, RouteReason reason, boolean primary);
}
