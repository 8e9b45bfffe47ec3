package dev.lagwise.boot4;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.lagwise.LagwiseCluster;
import dev.lagwise.LagwiseClusters;
import dev.lagwise.LagwiseConnection;
import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Node;
import dev.lagwise.testkit.ReplicatedCluster;
import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@link NotesApp} on a testkit cluster, configured by its application.properties only (the
 * cluster's address is the one thing the test supplies): URL without a driver class (with H2 on the
 * class path), lagwise.* settings reaching the driver, POST → redirect → GET, metrics, health and
 * trace attributes.
 */
@ReplicatedCluster(replicas = 2)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class NotesAppTest {

  private static Cluster cluster;

  @Autowired private DataSource dataSource;
  @Autowired private JdbcTemplate jdbc;
  @Autowired private MeterRegistry meters;
  @Autowired private ObservationRegistry observations;
  @Autowired private Environment environment;

  @BeforeAll
  static void cluster(Cluster c) {
    cluster = c;
  }

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    registry.add("notes.db.hosts", () -> cluster.hostList());
    registry.add("notes.db.name", () -> cluster.database());
    registry.add("notes.db.user", () -> cluster.user());
    registry.add("notes.db.password", () -> cluster.password());
  }

  /** Records observations, so that the test can see what Lagwise added to them. */
  @TestConfiguration
  static class Observations {
    @Bean
    TestObservationRegistry observationRegistry() {
      return TestObservationRegistry.create();
    }
  }

  private final HttpClient http =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NORMAL)
          .cookieHandler(new CookieManager())
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private URI uri(String path) {
    return URI.create("http://localhost:" + environment.getProperty("local.server.port") + path);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private Set<Integer> replicaPorts() {
    return cluster.replicas().stream().map(Node::port).collect(Collectors.toSet());
  }

  private LagwiseCluster lagwiseCluster() {
    return LagwiseClusters.all().stream()
        .filter(c -> c.name().startsWith(cluster.hostList() + "/"))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void theUrlAloneMakesAHikariPoolOfLagwiseConnectionsThoughH2IsOnTheClassPath() throws Exception {
    assertThat(Class.forName("org.h2.Driver")).isNotNull();
    assertThat(environment.getProperty("spring.datasource.driver-class-name"))
        .isEqualTo("dev.lagwise.Driver");
    HikariDataSource hikari = (HikariDataSource) dataSource;
    assertThat(hikari.getDriverClassName()).isEqualTo("dev.lagwise.Driver");
    assertThat(hikari.getJdbcUrl()).startsWith("jdbc:lagwise:postgresql://" + cluster.hostList());
    try (Connection c = dataSource.getConnection()) {
      assertThat(c.isWrapperFor(LagwiseConnection.class)).isTrue();
    }
  }

  @Test
  void lagwiseSettingsInApplicationPropertiesReachTheDriver() {
    jdbc.queryForObject("SELECT 1", Integer.class);
    assertThat(lagwiseCluster().maxLag()).isEqualTo(Duration.ofSeconds(3));
    assertThat(((HikariDataSource) dataSource).getDataSourceProperties())
        .containsEntry("lagwise.maxLag", "3000ms")
        .containsEntry("lagwise.waitForReplica", "2000ms");
  }

  @Test
  void postRedirectGetShowsTheNewNoteAndPlainReadsUseReplicas() throws Exception {
    String text = "note-" + UUID.randomUUID();
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(uri("/notes"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("text=" + text))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.uri().getPath()).startsWith("/notes/");
    assertThat(r.body()).contains(text);
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(20));
    HttpResponse<String> where = get("/where");
    assertThat(where.body()).contains("\"inRecovery\":true");
  }

  @Test
  void metersDescribeEveryNodeAndCountStatementsByReason() {
    for (int i = 0; i < 5; i++) {
      jdbc.queryForObject("SELECT 1", Integer.class);
    }
    String name = lagwiseCluster().name();
    List<String> nodes = cluster.nodes().stream().map(n -> n.host() + ":" + n.port()).toList();
    for (String node : nodes) {
      assertThat(meters.get("lagwise.node.lag").tags("cluster", name, "node", node).gauge().value())
          .isGreaterThanOrEqualTo(0);
      assertThat(
              meters
                  .get("lagwise.node.available")
                  .tags("cluster", name, "node", node)
                  .gauge()
                  .value())
          .isEqualTo(1);
    }
    String primary = cluster.primary().host() + ":" + cluster.primary().port();
    assertThat(
            meters
                .get("lagwise.node.role")
                .tags("cluster", name, "node", primary, "role", "primary")
                .gauge()
                .value())
        .isEqualTo(1);
    assertThat(
            meters
                .get("lagwise.node.role")
                .tags("cluster", name, "node", primary, "role", "replica")
                .gauge()
                .value())
        .isZero();
    assertThat(
            meters
                .get("lagwise.statements")
                .tags("cluster", name, "reason", "replica", "role", "replica")
                .functionCounter()
                .count())
        .isGreaterThanOrEqualTo(5);
    assertThat(meters.get("lagwise.statements").functionCounters())
        .hasSize(dev.lagwise.routing.RouteReason.values().length);
  }

  @Test
  void aReadThatWaitsForAPausedReplicaInVainIsTimed() {
    String name = lagwiseCluster().name();
    double before =
        meters
            .get("lagwise.replica.waits")
            .tags("cluster", name, "outcome", "primary")
            .functionTimer()
            .count();
    cluster.replicas().forEach(Node::pauseReplay);
    try {
      jdbc.update("INSERT INTO " + Note.TABLE + " (text) VALUES ('waited')");
      // Causal read-your-writes: no replica has the insert, so the read waits 2 s, then the
      // primary.
      jdbc.queryForObject("SELECT count(*) FROM " + Note.TABLE, Long.class);
    } finally {
      cluster.replicas().forEach(Node::resumeReplay);
    }
    var timer =
        meters
            .get("lagwise.replica.waits")
            .tags("cluster", name, "outcome", "primary")
            .functionTimer();
    assertThat(timer.count()).isEqualTo(before + 1);
    assertThat(timer.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS))
        .isGreaterThanOrEqualTo(2000);
  }

  @Test
  void theMetricsEndpointShowsTheLag() throws Exception {
    jdbc.queryForObject("SELECT 1", Integer.class);
    HttpResponse<String> r = get("/actuator/metrics/lagwise.node.lag");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"baseUnit\":\"seconds\"").contains("\"node\"");
  }

  @Test
  void healthIsUpWithOneEntryPerNodeAndNotInLiveness() throws Exception {
    jdbc.queryForObject("SELECT 1", Integer.class);
    HttpResponse<String> health = get("/actuator/health/lagwise");
    assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
    assertThat(health.body()).contains("\"status\":\"UP\"").contains("\"PRIMARY\"");
    for (Node n : cluster.nodes()) {
      assertThat(health.body()).contains("\"" + n.host() + ":" + n.port() + "\"");
    }
    HttpResponse<String> liveness = get("/actuator/health/liveness");
    assertThat(liveness.body()).doesNotContain("lagwise");
    assertThat(get("/actuator/health").body()).contains("\"lagwise\"");
  }

  @Test
  void aStatementLeavesItsNodeOnTheCurrentObservation() {
    TestObservationRegistry registry = (TestObservationRegistry) observations;
    registry.clear();
    Observation.Context context = new Observation.Context();
    Observation.createNotStarted("notes.read", () -> context, registry)
        .observe(() -> jdbc.queryForObject("SELECT 1", Integer.class));
    Map<String, String> seen =
        context.getHighCardinalityKeyValues().stream()
            .collect(Collectors.toMap(KeyValue::getKey, KeyValue::getValue));
    assertThat(seen)
        .containsEntry("lagwise.node.role", "replica")
        .containsEntry("lagwise.route.reason", "replica");
    assertThat(Integer.parseInt(seen.get("server.port"))).isIn(replicaPorts());
    assertThat(seen.get("server.address")).isEqualTo(cluster.replicas().get(0).host());
    TestObservationRegistryAssert.assertThat(registry)
        .hasObservationWithNameEqualTo("notes.read")
        .that()
        .doesNotHaveLowCardinalityKeyValueWithKey("server.address");
  }
}
