package dev.lagwise.jdbc;

import java.sql.SQLException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One {@link Cluster} per distinct cluster key in this JVM, for as long as it is used.
 *
 * <p>Lifecycle: a cluster is created by the first connection to it and counts the connections that
 * hold it ({@link Cluster#tryAcquire()}, {@link Cluster#release()}). When the last one closes, its
 * monitor stops probing at once, and the cluster stays here {@code lagwise.clusterIdleTimeout} so
 * that a connection soon after reuses what the monitor knows. Past that, the reaper retires it:
 * removed from here, its monitor closed and its MBean unregistered, so a JVM that talks to many
 * clusters over time (tenants, tests) keeps only the ones in use. A connection racing the reaper
 * either acquired the cluster first (then it is not idle and stays) or finds it retired and creates
 * a new one: the retire decision and the acquire are both taken under the cluster's lock.
 *
 * <p>The reaper is one daemon thread, {@code lagwise-cluster-reaper}, that runs only while some
 * cluster is idle and not yet retired: no Lagwise thread outlives the last cluster.
 */
final class ClusterRegistry {

  private static final ConcurrentHashMap<String, Cluster> CLUSTERS = new ConcurrentHashMap<>();

  /** Guards {@link #reaper} and {@link #pending}; never held while a cluster is created. */
  private static final Object REAPER = new Object();

  private static Thread reaper;

  /** A cluster went idle since the reaper's last sweep began. */
  private static boolean pending;

  private ClusterRegistry() {}

  /** The cluster for {@code spec} if a connection has been made to it in this JVM, else null. */
  static Cluster find(ConnectionSpec spec) throws SQLException {
    return CLUSTERS.get(spec.clusterKey());
  }

  /**
   * The cluster for {@code spec}, acquired once for the caller.
   *
   * @throws SQLException 22023 when {@code spec} gives a cluster-wide setting other than the one in
   *     force ({@link Settings#conflict})
   */
  static Cluster acquire(ConnectionSpec spec) throws SQLException {
    String key = spec.clusterKey();
    while (true) {
      Cluster cluster = CLUSTERS.get(key);
      if (cluster == null) {
        synchronized (ClusterRegistry.class) {
          cluster = CLUSTERS.get(key);
          if (cluster == null) {
            // Created with its monitor acquired for this caller.
            cluster = new Cluster(spec);
            CLUSTERS.put(key, cluster);
            Observers.created(cluster);
            return cluster;
          }
        }
      }
      SQLException conflict =
          spec.settings.conflict(cluster.spec.settings, spec + " (user '" + spec.user() + "')");
      if (conflict != null) {
        throw conflict;
      }
      if (cluster.tryAcquire()) {
        return cluster;
      }
      // Retired by the reaper after we found it: it is leaving the map, a new one replaces it.
      CLUSTERS.remove(key, cluster);
    }
  }

  /** Number of clusters alive in this JVM; for tests. */
  static int size() {
    return CLUSTERS.size();
  }

  /** {@code cluster}'s last connection closed: the reaper retires it once its idle time is up. */
  static void idle(Cluster cluster) {
    synchronized (REAPER) {
      pending = true;
      if (reaper == null) {
        reaper = new Thread(ClusterRegistry::reap, "lagwise-cluster-reaper");
        reaper.setDaemon(true);
        reaper.start();
      } else {
        REAPER.notifyAll();
      }
    }
  }

  private static void reap() {
    while (true) {
      synchronized (REAPER) {
        pending = false;
      }
      long now = System.nanoTime();
      long wait = Long.MAX_VALUE;
      for (Cluster c : CLUSTERS.values()) {
        long left = c.retireIfIdle(now);
        if (left == 0) {
          CLUSTERS.remove(c.spec.clusterKey(), c);
          c.close();
        } else if (left > 0) {
          wait = Math.min(wait, left);
        }
      }
      synchronized (REAPER) {
        if (pending) {
          continue;
        }
        if (wait == Long.MAX_VALUE) {
          reaper = null;
          return;
        }
        try {
          REAPER.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait) + 1));
        } catch (InterruptedException e) {
          // Daemon thread with nothing to hand the interrupt to: sweep again.
        }
      }
    }
  }
}
