package dev.lagwise.spring.health;

import dev.lagwise.LagwiseCluster;
import dev.lagwise.LagwiseStats;
import dev.lagwise.NodeStats;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The health of Lagwise's clusters from what their monitors last saw (no query is sent): the same
 * verdict for Boot 3.5's and 4.0's health types, which only translate it.
 *
 * <ul>
 *   <li>DOWN: some cluster has no host answering as primary: writes fail.
 *   <li>UP: every cluster has a primary. A replica that is down, lagging beyond {@code maxLag} or
 *       whose lag is unknown only shows in the details ({@code "replicasServingReads"}): reads fall
 *       back to the primary, so the application works.
 *   <li>UNKNOWN: no cluster yet (no connection made), or a cluster whose hosts have not been
 *       probed.
 * </ul>
 */
final class LagwiseHealth {

  enum Status {
    UP,
    DOWN,
    UNKNOWN
  }

  record Verdict(Status status, Map<String, Object> details) {}

  private LagwiseHealth() {}

  static Verdict of(List<LagwiseCluster> clusters) {
    Map<String, Object> details = new LinkedHashMap<>();
    if (clusters.isEmpty()) {
      details.put("clusters", "none connected yet");
      return new Verdict(Status.UNKNOWN, details);
    }
    boolean down = false;
    boolean unknown = false;
    for (LagwiseCluster c : clusters) {
      Map<String, Object> cluster = new LinkedHashMap<>();
      Status s = cluster(c.stats(), c.maxLag().toMillis(), cluster);
      cluster.put("status", s.name());
      details.put(c.name(), cluster);
      down |= s == Status.DOWN;
      unknown |= s == Status.UNKNOWN;
    }
    return new Verdict(down ? Status.DOWN : unknown ? Status.UNKNOWN : Status.UP, details);
  }

  /** Fills {@code out} with one entry per host; the cluster's status. */
  static Status cluster(LagwiseStats stats, long maxLagMillis, Map<String, Object> out) {
    boolean primary = false;
    boolean probed = false;
    int serving = 0;
    Map<String, Object> nodes = new LinkedHashMap<>();
    for (NodeStats n : stats.nodes()) {
      Map<String, Object> node = new LinkedHashMap<>();
      node.put("role", n.role());
      if (n.lagMillis() >= 0) {
        node.put("lagMillis", n.lagMillis());
      }
      if (n.lagBytes() >= 0) {
        node.put("lagBytes", n.lagBytes());
      }
      node.put("statements", n.statements());
      if (n.lastError() != null) {
        node.put("lastError", n.lastError());
      }
      switch (n.role()) {
        case "PRIMARY" -> primary = true;
        case "REPLICA" -> {
          boolean fresh = n.lagMillis() >= 0 && n.lagMillis() <= maxLagMillis;
          node.put("withinMaxLag", fresh);
          serving += fresh ? 1 : 0;
        }
        default -> {}
      }
      probed |= !"UNKNOWN".equals(n.role());
      nodes.put(n.host(), node);
    }
    out.put("maxLagMillis", maxLagMillis);
    out.put("replicasServingReads", serving);
    out.put("nodes", nodes);
    if (primary) {
      return Status.UP;
    }
    return probed ? Status.DOWN : Status.UNKNOWN;
  }
}
