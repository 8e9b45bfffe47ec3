package dev.lagwise.monitor;

/** Lets driver tests feed a monitor observations with chosen times (package-private there). */
public final class MonitorFixture {

  private MonitorFixture() {}

  public static void observe(
      ClusterMonitor monitor, int node, boolean replica, long position, long sentNanos) {
    monitor.observed(node, new Observation(replica, position), sentNanos);
  }
}
