package dev.lagwise.demo;

import dev.lagwise.LagwiseConnection;
import dev.lagwise.LagwiseStats;
import dev.lagwise.NodeStats;
import dev.lagwise.routing.RouteReason;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Per-node role and lag, and the reason behind every routing decision, as the driver reports them
 * ({@link LagwiseStats}: one set of numbers per cluster in this JVM, shared by all its
 * connections).
 */
final class DriverStats {

  /**
   * A node as the driver's monitor sees it; a null lag is unknown. {@code statements} counts what
   * the driver routed there.
   */
  record Node(String role, Long lagBytes, Long lagMillis, long statements) {}

  /** Nodes by {@code host:port}; statements by route reason name, in the enum's order. */
  record Snapshot(Map<String, Node> byNode, Map<String, Long> reasons) {}

  private final LagwiseConnection observer;

  DriverStats(Connection observer) throws SQLException {
    this.observer = observer.unwrap(LagwiseConnection.class);
  }

  Snapshot read() {
    LagwiseStats stats = observer.stats();
    Map<String, Node> byNode = new HashMap<>();
    for (NodeStats n : stats.nodes()) {
      byNode.put(
          n.host(),
          new Node(
              n.role().toLowerCase(Locale.ROOT),
              n.lagBytes() < 0 ? null : n.lagBytes(),
              n.lagMillis() < 0 ? null : n.lagMillis(),
              n.statements()));
    }
    Map<String, Long> reasons = new LinkedHashMap<>();
    for (RouteReason r : RouteReason.values()) {
      reasons.put(r.name(), stats.statementsByReason().getOrDefault(r, 0L));
    }
    return new Snapshot(byNode, reasons);
  }
}
