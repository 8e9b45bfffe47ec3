package dev.lagwise.jdbc;

import dev.lagwise.routing.RouteReason;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The MBean of one cluster: registered when the cluster is created, unregistered when {@link
 * ClusterRegistry} retires it.
 */
final class ClusterStats implements ClusterStatsMXBean {

  private final Cluster cluster;

  private ClusterStats(Cluster cluster) {
    this.cluster = cluster;
  }

  /** Hosts in URL order and the database; never user information or a password. */
  static ObjectName name(Cluster cluster) throws JMException {
    return new ObjectName(
        "dev.lagwise:type=Cluster,name="
            + ObjectName.quote(
                String.join(",", cluster.hostNames) + "/" + cluster.spec.rawDatabase));
  }

  /**
   * Best effort: JMX must never stop a connection. The same hosts and database under another user
   * is another cluster; it is registered with its user name added ({@code ,user="..."}).
   */
  static ObjectName register(Cluster cluster) {
    try {
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      ObjectName name = name(cluster);
      try {
        return server.registerMBean(new ClusterStats(cluster), name).getObjectName();
      } catch (InstanceAlreadyExistsException e) {
        ObjectName withUser =
            new ObjectName(name + ",user=" + ObjectName.quote(cluster.spec.user()));
        return server.registerMBean(new ClusterStats(cluster), withUser).getObjectName();
      }
    } catch (JMException | SecurityException e) {
      // Already registered (a second cluster with the same name), or JMX is not allowed here.
      return null;
    }
  }

  /** Best effort, as registering: a retired cluster's statistics disappear with it. */
  static void unregister(ObjectName name) {
    if (name == null) {
      return;
    }
    try {
      ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
    } catch (JMException | SecurityException e) {
      // Gone already, or JMX is not allowed here.
    }
  }

  @Override
  public Map<String, Long> getStatementsByReason() {
    Map<String, Long> m = new LinkedHashMap<>();
    for (Map.Entry<RouteReason, Long> e : cluster.counters.byReason().entrySet()) {
      m.put(e.getKey().name(), e.getValue());
    }
    return m;
  }

  @Override
  public String[] getNodes() {
    return StatsSnapshot.of(cluster).lines();
  }

  @Override
  public long getStatementsTotal() {
    return StatsSnapshot.of(cluster).statementsTotal();
  }
}
