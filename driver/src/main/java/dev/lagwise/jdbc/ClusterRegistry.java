package dev.lagwise.jdbc;

import java.sql.SQLException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link Cluster} per distinct cluster key in this JVM. An entry outlives its last connection
 * (its monitor idles, sending no queries) so that a later connection reuses its knowledge while it
 * is fresh; the number of entries is the number of distinct URLs the application uses.
 */
final class ClusterRegistry {

  private static final ConcurrentHashMap<String, Cluster> CLUSTERS = new ConcurrentHashMap<>();

  private ClusterRegistry() {}

  /** The cluster for {@code spec} if a connection has been made to it in this JVM, else null. */
  static Cluster find(ConnectionSpec spec) throws SQLException {
    return CLUSTERS.get(spec.clusterKey());
  }

  /** The cluster for {@code spec}, its monitor acquired once for the caller. */
  static Cluster acquire(ConnectionSpec spec) throws SQLException {
    String key = spec.clusterKey();
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
    cluster.monitor.acquire();
    return cluster;
  }
}
