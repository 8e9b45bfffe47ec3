package dev.lagwise.jdbc;

import dev.lagwise.routing.RouteReason;
import dev.lagwise.routing.Router;
import java.util.EnumMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Statements per reason and per host for one cluster, shared by all its connections. Counting is on
 * the statement path: two {@link LongAdder} increments, no lock, and no allocation once the adders
 * have grown to the JVM's contention. Readers sum without stopping writers, so a reading taken
 * while statements run may be a few statements behind between the two tables.
 */
final class RoutingCounters implements Router.Counter {

  private static final RouteReason[] REASONS = RouteReason.values();

  private final LongAdder[] byReason = adders(REASONS.length);
  private final LongAdder[] byNode;

  RoutingCounters(int nodes) {
    this.byNode = adders(nodes);
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
