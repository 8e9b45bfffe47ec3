package dev.lagwise.spring.tracing;

import dev.lagwise.RouteListener;
import dev.lagwise.routing.RouteReason;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.ReceiverContext;
import java.util.Locale;

/**
 * Puts the node that ran a statement on the current Micrometer {@link Observation} (which a tracing
 * bridge turns into span attributes): {@code server.address}, {@code server.port}, {@code
 * lagwise.route.reason}, {@code lagwise.node.role}. High-cardinality key values only: they go to
 * spans, never to metric tags.
 *
 * <p>When the current observation is one a server received (an HTTP request's, with no JDBC
 * observation inside it), {@code server.*} already name this application, so only the {@code
 * lagwise.*} attributes are added there. Several statements in one observation: the last one's
 * values stay.
 *
 * <p>Called on every statement: key values are made once per host, port, reason and role and
 * reused, so a statement allocates nothing here beyond what the observation itself stores.
 */
final class ObservationRouteListener implements RouteListener {

  private static final KeyValue[] REASONS = new KeyValue[RouteReason.values().length];
  private static final KeyValue PRIMARY = KeyValue.of("lagwise.node.role", "primary");
  private static final KeyValue REPLICA = KeyValue.of("lagwise.node.role", "replica");

  static {
    for (RouteReason r : RouteReason.values()) {
      REASONS[r.ordinal()] = KeyValue.of("lagwise.route.reason", r.name().toLowerCase(Locale.ROOT));
    }
  }

  private final ObservationRegistry registry;
  private final NodeKeyValues nodes = new NodeKeyValues();

  ObservationRouteListener(ObservationRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void routed(String host, int port, RouteReason reason, boolean primary) {
    Observation o = registry.getCurrentObservation();
    if (o == null || o.isNoop()) {
      return;
    }
    o.highCardinalityKeyValue(REASONS[reason.ordinal()]);
    o.highCardinalityKeyValue(primary ? PRIMARY : REPLICA);
    if (!(o.getContext() instanceof ReceiverContext<?>)) {
      NodeKeyValues.Entry node = nodes.of(host, port);
      o.highCardinalityKeyValue(node.address());
      o.highCardinalityKeyValue(node.portValue());
    }
  }
}
