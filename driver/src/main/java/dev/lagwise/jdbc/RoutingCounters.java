package dev.lagwise.jdbc;

import dev.lagwise.RouteListener;
import dev.lagwise.routing.RouteReason;
import dev.lagwise.routing.Router;
import java.util.EnumMap;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Statements per reason and per host for one cluster, shared by all its connections. Counting is on
 * the statement path: two {@link LongAdder} increments, no lock, and no allocation once the adders
 * have grown to the JVM's contention. Readers sum without stopping writers, so a reading taken
 * while statements run may be a few statements behind between the two tables. The JVM's {@link
 * RouteListener}, when there is one, is told here too: the host names and ports are kept as arrays
 * so that telling it allocates nothing.
 */
final class RoutingCounters implements Router.Counter {

  private static final RouteReason[] REASONS = RouteReason.values();

  private final LongAdder[] byReason = adders(REASONS.length);
  private final LongAdder[] byNode;
  private final String[] hosts;
  private final int[] ports;

  RoutingCounters(List<HostSpec> hosts) {
    int n = hosts.size();
    this.byNode = adders(n);
    this.hosts = new String[n];
    this.ports = new int[n];
    for (int i = 0; i < n; i++) {
      this.hosts[i] = hosts.get(i).host();
      this.ports[i] = hosts.get(i).port();
    }
  }

  private static LongAdder[] adders(int n) {
    LongAdder[] a = new LongAdder[n];
    for (int i = 0; i < n; i++) {
      a[i] = new LongAdder();
    }
    return a;
  }

  @Override
  public void count(int node, RouteReason reason) {
    byReason[reason.ordinal()].increment();
    byNode[node].increment();
    RouteListener l = Observers.routeListener;
    if (l != null) {
      l.routed(hosts[node], ports[node], reason, reason != RouteReason.REPLICA);
    }
  }

  /** A copy with every reason present. */
  EnumMap<RouteReason, Long> byReason() {
    EnumMap<RouteReason, Long> m = new EnumMap<>(RouteReason.class);
    for (RouteReason r : REASONS) {
      m.put(r, byReason[r.ordinal()].sum());
    }
    return m;
  }

  long node(int node) {
    return byNode[node].sum();
  }
}
