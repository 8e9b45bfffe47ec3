package dev.lagwise.jdbc;

import dev.lagwise.LagwiseStats;
import dev.lagwise.NodeStats;
import dev.lagwise.WaitStats;
import dev.lagwise.monitor.ClusterSnapshot;
import dev.lagwise.monitor.NodeStatus;
import dev.lagwise.routing.ReplicaWaits;
import dev.lagwise.routing.RouteReason;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The statistics of one cluster as of {@link #of}. */
record StatsSnapshot(
    EnumMap<RouteReason, Long> byReason,
    List<NodeStats> nodes,
    long statementsTotal,
    WaitStats replicaWaits)
    implements LagwiseStats {

  static StatsSnapshot of(Cluster cluster) {
    EnumMap<RouteReason, Long> byReason = cluster.counters.byReason();
    long total = 0;
    for (long n : byReason.values()) {
      total += n;
    }
    ClusterSnapshot s = cluster.snapshot();
    long now = System.nanoTime();
    String password = cluster.spec.password();
    List<NodeStats> nodes = new ArrayList<>(s.size());
    for (int i = 0; i < s.size(); i++) {
      NodeStatus status = s.status(i);
      long lagBytes = -1;
      long lagMillis = -1;
      if (status == NodeStatus.PRIMARY) {
        lagBytes = cluster.positions instanceof LsnPositions ? 0 : -1;
        lagMillis = 0;
      } else if (status == NodeStatus.REPLICA) {
        // GTID positions (MySQL, MariaDB) are ledger numbers, not bytes: unknown.
        lagBytes = cluster.positions instanceof LsnPositions ? s.lagBytes(i) : -1;
        long lagNanos = s.lagNanos(i, now);
        lagMillis = lagNanos < 0 ? -1 : lagNanos / 1_000_000;
      }
      nodes.add(
          new NodeStats(
              cluster.hostNames.get(i),
              status.name(),
              lagBytes,
              lagMillis,
              cluster.counters.node(i),
              status == NodeStatus.DIVERGED ? s.divergence(i) : Masking.scrub(s.error(i), password),
              cluster.monitor.probesSent(i)));
    }
    ReplicaWaits w = cluster.shared.waits;
    WaitStats waits = new WaitStats(w.served(), w.servedNanos(), w.timedOut(), w.timedOutNanos());
    return new StatsSnapshot(byReason, List.copyOf(nodes), total, waits);
  }

  @Override
  public Map<RouteReason, Long> statementsByReason() {
    return new EnumMap<>(byReason);
  }

  /** One line per host, as the MBean shows them. */
  String[] lines() {
    String[] lines = new String[nodes.size()];
    for (int i = 0; i < lines.length; i++) {
      NodeStats n = nodes.get(i);
      StringBuilder b = new StringBuilder(n.host()).append(' ').append(n.role());
      if (n.lagBytes() >= 0 || n.lagMillis() >= 0) {
        b.append(" lag ")
            .append(n.lagBytes() < 0 ? "?" : Long.toString(n.lagBytes()))
            .append(" B ")
            .append(n.lagMillis() < 0 ? "?" : Long.toString(n.lagMillis()))
            .append(" ms");
      } else {
        b.append(" lag unknown");
      }
      b.append(" statements ").append(n.statements()).append(" probes ").append(n.probes());
      if (n.lastError() != null) {
        b.append(" error: ").append(n.lastError());
      }
      lines[i] = b.toString();
    }
    return lines;
  }
}
