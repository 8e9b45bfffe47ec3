package dev.lagwise;

import dev.lagwise.jdbc.Observers;
import java.util.List;
import java.util.function.Consumer;

/**
 * The clusters of this JVM and the hooks that monitoring (metrics, health, tracing) attaches to.
 * Nothing here is on the statement path except the one {@link RouteListener}.
 */
public final class LagwiseClusters {

  private LagwiseClusters() {}

  /** Every cluster connected to so far, in the order of their first connection. */
  public static List<LagwiseCluster> all() {
    return Observers.clusters();
  }

  /**
   * Calls {@code listener} now for every existing cluster and later, once, for each new one (on the
   * thread of its first connection, before that connection is returned). Meant for registries that
   * add per-cluster meters.
   *
   * @return closing it removes the listener (an application context that closes while the JVM and
   *     its clusters live on)
   */
  public static AutoCloseable onCluster(Consumer<LagwiseCluster> listener) {
    return Observers.onCluster(listener);
  }

  /**
   * Sets the JVM's route listener, replacing the previous one; null removes it. Without one the
   * statement path pays one volatile read.
   */
  public static void setRouteListener(RouteListener listener) {
    Observers.setRouteListener(listener);
  }

  /** The current route listener, or null. */
  public static RouteListener routeListener() {
    return Observers.routeListener();
  }
}
