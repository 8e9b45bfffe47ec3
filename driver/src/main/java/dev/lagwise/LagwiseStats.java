package dev.lagwise;

import dev.lagwise.routing.RouteReason;
import java.util.List;
import java.util.Map;

/**
 * Routing statistics of one cluster in this JVM: shared by every connection and DataSource to the
 * cluster, cumulative since its first connection. An instance is a snapshot taken when it was asked
 * for; ask again for newer numbers. The same numbers are on the platform MBean server as {@code
 * dev.lagwise:type=Cluster,name="host:port,.../database"}.
 */
public interface LagwiseStats {

  /** Successful statements by the reason they ran where they ran; every reason is present. */
  Map<RouteReason, Long> statementsByReason();

  /** Every host of the cluster, in URL order. */
  List<NodeStats> nodes();

  /** Successful statements, the sum of {@link #statementsByReason()}. */
  long statementsTotal();

  /** Reads that waited for a replica ({@code lagwise.waitForReplica}). */
  default WaitStats replicaWaits() {
    return WaitStats.NONE;
  }
}
