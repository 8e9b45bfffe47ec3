package dev.lagwise.spring.metrics;

import dev.lagwise.LagwiseCluster;
import dev.lagwise.LagwiseClusters;
import dev.lagwise.NodeStats;
import dev.lagwise.routing.RouteReason;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The meters of every Lagwise cluster in this JVM, including clusters first connected to after
 * binding (docs/spring-boot.md lists them). Every value is read from the statistics the driver
 * already keeps, when the registry asks: no query, no timing of our own. Tags are the cluster's
 * name (hosts and database), a host and a role or route reason; never a token, SQL or a user.
 *
 * <p>A host's role changes (a failover), so it is not a tag of the lag gauges: {@code
 * lagwise.node.role} has one series per possible role, 1 for the current one, to join on.
 */
public class LagwiseMeterBinder implements MeterBinder, AutoCloseable {

  static final List<String> ROLES = List.of("primary", "replica", "down", "unknown", "diverged");

  private volatile AutoCloseable listening;

  @Override
  public void bindTo(MeterRegistry registry) {
    listening = LagwiseClusters.onCluster(cluster -> bind(cluster, registry));
  }

  @Override
  public void close() throws Exception {
    AutoCloseable l = listening;
    if (l != null) {
      l.close();
    }
  }

  static void bind(LagwiseCluster cluster, MeterRegistry registry) {
    Tags clusterTag = Tags.of("cluster", cluster.name());
    List<NodeStats> nodes = cluster.stats().nodes();
    for (int i = 0; i < nodes.size(); i++) {
      int node = i;
      Tags tags = clusterTag.and("node", nodes.get(i).host());
      gauge(
          registry,
          "lagwise.node.lag",
          "How old the host's data may be now; 0 for the primary, NaN when unknown",
          "seconds",
          tags,
          cluster,
          c -> {
            long ms = nodeOf(c, node).lagMillis();
            return ms < 0 ? Double.NaN : ms / 1000.0;
          });
      gauge(
          registry,
          "lagwise.node.lag.bytes",
          "How far the host's replay is behind the primary's latest known position; NaN when unknown",
          "bytes",
          tags,
          cluster,
          c -> {
            long b = nodeOf(c, node).lagBytes();
            return b < 0 ? Double.NaN : b;
          });
      gauge(
          registry,
          "lagwise.node.available",
          "1 when the monitor's last probe found the host answering as primary or replica",
          null,
          tags,
          cluster,
          c -> {
            String role = nodeOf(c, node).role();
            return "PRIMARY".equals(role) || "REPLICA".equals(role) ? 1 : 0;
          });
      for (String role : ROLES) {
        gauge(
            registry,
            "lagwise.node.role",
            "1 for the host's current role, 0 for the others",
            null,
            tags.and("role", role),
            cluster,
            c -> role.equals(nodeOf(c, node).role().toLowerCase(Locale.ROOT)) ? 1 : 0);
      }
      FunctionCounter.builder("lagwise.node.statements", cluster, c -> nodeOf(c, node).statements())
          .description("Statements this JVM ran on the host through Lagwise")
          .tags(tags)
          .register(registry);
    }
    for (RouteReason reason : RouteReason.values()) {
      FunctionCounter.builder(
              "lagwise.statements",
              cluster,
              c -> c.stats().statementsByReason().getOrDefault(reason, 0L))
          .description("Successful statements by why they ran where they ran")
          .tags(
              clusterTag
                  .and("reason", reason.name().toLowerCase(Locale.ROOT))
                  .and("role", servedByReplica(reason) ? "replica" : "primary"))
          .register(registry);
    }
    waits(registry, cluster, clusterTag);
  }

  private static void waits(MeterRegistry registry, LagwiseCluster cluster, Tags clusterTag) {
    FunctionTimer.builder(
            "lagwise.replica.waits",
            cluster,
            c -> c.stats().replicaWaits().served(),
            c -> c.stats().replicaWaits().servedNanos(),
            TimeUnit.NANOSECONDS)
        .description("Reads that waited for a replica (lagwise.waitForReplica) and ran on one")
        .tags(clusterTag.and("outcome", "replica"))
        .register(registry);
    FunctionTimer.builder(
            "lagwise.replica.waits",
            cluster,
            c -> c.stats().replicaWaits().timedOut(),
            c -> c.stats().replicaWaits().timedOutNanos(),
            TimeUnit.NANOSECONDS)
        .description("Reads that waited for a replica in vain and ran on the primary")
        .tags(clusterTag.and("outcome", "primary"))
        .register(registry);
  }

  private static NodeStats nodeOf(LagwiseCluster cluster, int node) {
    return cluster.stats().nodes().get(node);
  }

  private static void gauge(
      MeterRegistry registry,
      String name,
      String description,
      String unit,
      Tags tags,
      LagwiseCluster cluster,
      ToDoubleFunction<LagwiseCluster> value) {
    Gauge.builder(name, cluster, value)
        .description(description)
        .baseUnit(unit)
        .tags(tags)
        .strongReference(true)
        .register(registry);
  }

  /** REPLICA, and PRIMARY_UNREACHABLE (a replica served while no primary was reachable). */
  static boolean servedByReplica(RouteReason reason) {
    return reason == RouteReason.REPLICA || reason == RouteReason.PRIMARY_UNREACHABLE;
  }
}
