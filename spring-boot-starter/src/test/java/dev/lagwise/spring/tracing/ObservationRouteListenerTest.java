package dev.lagwise.spring.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwise.routing.RouteReason;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import io.micrometer.observation.transport.ReceiverContext;
import org.junit.jupiter.api.Test;

/** The attributes a routed statement leaves on the current observation. */
class ObservationRouteListenerTest {

  private final TestObservationRegistry registry = TestObservationRegistry.create();
  private final ObservationRouteListener listener = new ObservationRouteListener(registry);

  @Test
  void aStatementInsideAJdbcObservationNamesItsNode() {
    Observation.createNotStarted("jdbc.query", registry)
        .observe(() -> listener.routed("db2", 5433, RouteReason.REPLICA, false));
    TestObservationRegistryAssert.assertThat(registry)
        .hasObservationWithNameEqualTo("jdbc.query")
        .that()
        .hasHighCardinalityKeyValue("server.address", "db2")
        .hasHighCardinalityKeyValue("server.port", "5433")
        .hasHighCardinalityKeyValue("lagwise.route.reason", "replica")
        .hasHighCardinalityKeyValue("lagwise.node.role", "replica")
        .doesNotHaveLowCardinalityKeyValueWithKey("server.address");
  }

  @Test
  void theLastStatementOfAnObservationWins() {
    Observation.createNotStarted("jdbc.query", registry)
        .observe(
            () -> {
              listener.routed("db2", 5433, RouteReason.REPLICA, false);
              listener.routed("db1", 5432, RouteReason.WRITE, true);
            });
    TestObservationRegistryAssert.assertThat(registry)
        .hasObservationWithNameEqualTo("jdbc.query")
        .that()
        .hasHighCardinalityKeyValue("server.address", "db1")
        .hasHighCardinalityKeyValue("lagwise.route.reason", "write")
        .hasHighCardinalityKeyValue("lagwise.node.role", "primary");
  }

  @Test
  void aServerObservationKeepsItsOwnServerAddress() {
    ReceiverContext<Object> http = new ReceiverContext<>((carrier, key) -> null);
    Observation.createNotStarted("http.server.requests", () -> http, registry)
        .observe(() -> listener.routed("db2", 5433, RouteReason.REPLICA, false));
    assertThat(http.getHighCardinalityKeyValues().stream().map(KeyValue::getKey))
        .containsExactlyInAnyOrder("lagwise.route.reason", "lagwise.node.role");
  }

  @Test
  void noObservationNoWork() {
    listener.routed("db2", 5433, RouteReason.REPLICA, false);
    TestObservationRegistryAssert.assertThat(registry).doesNotHaveAnyObservation();
  }

  @Test
  void eachNodesKeyValuesAreMadeOnce() {
    NodeKeyValues cache = new NodeKeyValues();
    NodeKeyValues.Entry a = cache.of("127.0.0.1", 5432);
    assertThat(cache.of(new String("127.0.0.1"), 5432)).isSameAs(a);
    NodeKeyValues.Entry b = cache.of("127.0.0.1", 5433);
    assertThat(b).isNotSameAs(a);
    assertThat(b.portValue()).isEqualTo(KeyValue.of("server.port", "5433"));
    assertThat(cache.of("127.0.0.1", 5432)).isSameAs(a);
    assertThat(a.address()).isEqualTo(KeyValue.of("server.address", "127.0.0.1"));
  }
}
