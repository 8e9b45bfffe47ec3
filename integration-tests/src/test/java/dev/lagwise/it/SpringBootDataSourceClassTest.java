package dev.lagwise.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.lagwise.LagwiseDataSource;
import dev.lagwise.it.spring.App;
import dev.lagwise.it.spring.NoteService;
import dev.lagwise.it.spring.Served;
import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Node;
import dev.lagwise.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The same Spring Boot application with {@link LagwiseDataSource} configured by class name: as
 * Hikari's {@code data-source-class-name}, and as {@code spring.datasource.type} (no pool).
 */
@ReplicatedCluster(replicas = 2)
class SpringBootDataSourceClassTest {

  Cluster cluster;

  @BeforeEach
  void createTable() throws SQLException {
    try (Connection direct = cluster.primary().connect();
        Statement s = direct.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + NoteService.TABLE
              + " (id bigserial PRIMARY KEY, note text NOT NULL)");
    }
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(20));
  }

  private ConfigurableApplicationContext run(String... properties) {
    return new SpringApplicationBuilder(App.class)
        .web(WebApplicationType.NONE)
        .properties("spring.main.banner-mode=off")
        .properties(properties)
        .run();
  }

  @Test
  void hikariWithDataSourceClassName() throws SQLException {
    String url = cluster.lagwiseUrl() + "?ApplicationName=spring-dscn";
    try (ConfigurableApplicationContext context =
        run(
            // Spring Boot wants a URL and a driver class even when Hikari ignores them.
            "spring.datasource.url=" + cluster.lagwiseUrl(),
            "spring.datasource.driver-class-name=dev.lagwise.Driver",
            "spring.datasource.hikari.data-source-class-name=" + LagwiseDataSource.class.getName(),
            "spring.datasource.hikari.data-source-properties.url=" + url,
            "spring.datasource.hikari.data-source-properties.user=" + cluster.user(),
            "spring.datasource.hikari.data-source-properties.password=" + cluster.password(),
            "spring.datasource.hikari.data-source-properties.loadBalance=least-in-flight",
            // A read right after the write waits for a replica to replay it.
            "spring.datasource.hikari.data-source-properties.waitForReplica=2s",
            "spring.datasource.hikari.maximum-pool-size=2")) {
      DataSource ds = context.getBean(DataSource.class);
      assertThat(ds).isInstanceOf(HikariDataSource.class);
      routes(context.getBean(NoteService.class));
      // The pool's connections come from a LagwiseDataSource with the Hikari properties.
      LagwiseDataSource lagwise = ds.unwrap(LagwiseDataSource.class);
      assertThat(lagwise.getUrl()).isEqualTo(url);
      assertThat(lagwise.getProperty("lagwise.loadBalance")).isEqualTo("least-in-flight");
    }
  }

  @Test
  void unpooledAsSpringDatasourceType() throws SQLException {
    try (ConfigurableApplicationContext context =
        run(
            "spring.datasource.type=" + LagwiseDataSource.class.getName(),
            "spring.datasource.url=" + cluster.lagwiseUrl() + "?lagwise.waitForReplica=2s",
            "spring.datasource.driver-class-name=dev.lagwise.Driver",
            "spring.datasource.username=" + cluster.user(),
            "spring.datasource.password=" + cluster.password())) {
      assertThat(context.getBean(DataSource.class)).isInstanceOf(LagwiseDataSource.class);
      routes(context.getBean(NoteService.class));
    }
  }

  private void routes(NoteService notes) {
    Set<Integer> replicaPorts = new TreeSet<>();
    for (Node n : cluster.replicas()) {
      replicaPorts.add(n.port());
    }
    int primary = cluster.primary().port();

    Served plain = notes.whereAmI();
    assertThat(plain.inRecovery()).isTrue();
    assertThat(plain.port()).isIn(replicaPorts);

    String note = "dsc-" + UUID.randomUUID();
    List<Served> written = notes.writeAndReadBack(note);
    assertThat(written).allSatisfy(s -> assertThat(s.inRecovery()).isFalse());
    assertThat(written).allSatisfy(s -> assertThat(s.port()).isEqualTo(primary));

    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(20));
    NoteService.ReadOnlyResult ro = notes.readOnlyTransaction(note);
    assertThat(ro.served()).allSatisfy(s -> assertThat(s.inRecovery()).isTrue());
    assertThat(ro.served().stream().map(Served::backendPid).distinct()).hasSize(1);
    assertThat(ro.served().get(0).port()).isIn(replicaPorts);
    assertThat(ro.count()).isOne();
  }
}
