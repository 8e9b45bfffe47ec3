package dev.lagwise;

import java.time.Duration;

/**
 * One cluster that this JVM has connected to, for monitoring: {@link LagwiseClusters#all()}. A
 * cluster lives as long as the JVM; its statistics are read from what the monitor already knows
 * (asking sends no query).
 */
public interface LagwiseCluster {

  /**
   * {@code host:port,host:port/database} as in the URL: never the user or a password. Two clusters
   * with the same hosts and database under different users have the same name.
   */
  String name();

  /** A snapshot of the statistics now. */
  LagwiseStats stats();

  /** The {@code lagwise.maxLag} of the cluster's first connection. */
  Duration maxLag();
}
