package dev.lagwise.spring.tracing;

import dev.lagwise.RouteListener;
import dev.lagwise.routing.RouteReason;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import java.util.Locale;

/**
 * Puts the node that ran a statement on OpenTelemetry's current span, for applications traced by
 * OpenTelemetry without a Micrometer {@code ObservationRegistry} (the Java agent, which also makes
 * the statement's own client span current). Same attributes as {@link ObservationRouteListener};
 * the API does not tell a server span from a client one, so with no JDBC span the {@code server.*}
 * attributes land on whatever span is current.
 */
final class OpenTelemetryRouteListener implements RouteListener {

  private static final AttributeKey<String> ADDRESS = AttributeKey.stringKey("server.address");
  private static final AttributeKey<Long> PORT = AttributeKey.longKey("server.port");
  private static final AttributeKey<String> REASON = AttributeKey.stringKey("lagwise.route.reason");
  private static final AttributeKey<String> ROLE = AttributeKey.stringKey("lagwise.node.role");
  private static final String[] REASONS = new String[RouteReason.values().length];

  static {
    for (RouteReason r : RouteReason.values()) {
      REASONS[r.ordinal()] = r.name().toLowerCase(Locale.ROOT);
    }
  }

  @Override
  public void routed(String host, int port, RouteReason reason, boolean primary) {
    Span span = Span.current();
    if (!span.isRecording()) {
      return;
    }
    span.setAttribute(ADDRESS, host);
    span.setAttribute(PORT, port);
    span.setAttribute(REASON, REASONS[reason.ordinal()]);
    span.setAttribute(ROLE, primary ? "primary" : "replica");
  }
}
