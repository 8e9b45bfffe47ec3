package dev.lagwise.jdbc;

import dev.lagwise.LagwiseCluster;
import dev.lagwise.LagwiseStats;
import dev.lagwise.RouteListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The driver side of {@code dev.lagwise.LagwiseClusters}: who watches clusters and statements.
 * Public only so that the API package can reach it; not API.
 *
 * <p>Invariant: a cluster listener sees every cluster exactly once, whether the cluster was created
 * before or after the listener was added: both additions happen under this class's lock.
 */
public final class Observers {

  /** Read once per statement by {@link RoutingCounters}; null: nobody listens. */
  static volatile RouteListener routeListener;

  private static final List<Handle> CLUSTERS = new CopyOnWriteArrayList<>();
  private static final List<Consumer<LagwiseCluster>> LISTENERS = new ArrayList<>();

  private Observers() {}

  public static List<LagwiseCluster> clusters() {
    return List.copyOf(CLUSTERS);
  }

  public static AutoCloseable onCluster(Consumer<LagwiseCluster> listener) {
    List<Handle> existing;
    synchronized (Observers.class) {
      LISTENERS.add(listener);
      existing = List.copyOf(CLUSTERS);
    }
    for (Handle h : existing) {
      listener.accept(h);
    }
    return () -> {
      synchronized (Observers.class) {
        LISTENERS.remove(listener);
      }
    };
  }

  public static void setRouteListener(RouteListener listener) {
    routeListener = listener;
  }

  public static RouteListener routeListener() {
    return routeListener;
  }

  /** A new cluster, once, from {@link ClusterRegistry}. */
  static void created(Cluster cluster) {
    Handle h = new Handle(cluster);
    List<Consumer<LagwiseCluster>> listeners;
    synchronized (Observers.class) {
      CLUSTERS.add(h);
      listeners = List.copyOf(LISTENERS);
    }
    for (Consumer<LagwiseCluster> l : listeners) {
      try {
        l.accept(h);
      } catch (RuntimeException e) {
        // Monitoring must never stop a connection.
      }
    }
  }

  private static final class Handle implements LagwiseCluster {
    private final Cluster cluster;
    private final String name;

    Handle(Cluster cluster) {
      this.cluster = cluster;
      this.name = String.join(",", cluster.hostNames) + "/" + cluster.spec.rawDatabase;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public LagwiseStats stats() {
      return cluster.stats();
    }

    @Override
    public Duration maxLag() {
      return cluster.spec.settings.maxLag;
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
