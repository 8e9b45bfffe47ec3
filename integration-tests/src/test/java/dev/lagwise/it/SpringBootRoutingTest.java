package dev.lagwise.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.lagwise.it.spring.App;
import dev.lagwise.it.spring.NoteService;
import dev.lagwise.it.spring.Served;
import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Node;
import dev.lagwise.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Spring Boot 3.5 application ({@link App}) switched to Lagwise with {@code spring.datasource.*}
 * properties only: read-only transactions on a replica, default transactions on the primary, plain
 * reads on replicas, rollback of a failed transaction.
 */
@ReplicatedCluster(replicas = 2)
class SpringBootRoutingTest {

  private static final Duration CATCH_UP = Duration.ofSeconds(20);

  private static Cluster cluster;
  private static ConfigurableApplicationContext context;
  private static NoteService notes;

  @BeforeAll
  static void start(Cluster c) throws SQLException {
    cluster = c;
    try (Connection direct = cluster.primary().connect();
        Statement s = direct.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + NoteService.TABLE
              + " (id bigserial PRIMARY KEY, note text NOT NULL)");
    }
    cluster.awaitReplicasCaughtUp(CATCH_UP);
    context =
        new SpringApplicationBuilder(App.class)
            .web(WebApplicationType.NONE)
            .properties(
                "spring.datasource.url=" + url(),
                "spring.datasource.username=" + cluster.user(),
                "spring.datasource.password=" + cluster.password(),
                // Spring Boot infers the driver class from known URL prefixes only.
                "spring.datasource.driver-class-name=dev.lagwise.Driver",
                "spring.datasource.hikari.maximum-pool-size=2",
                "spring.main.banner-mode=off")
            .run();
    notes = context.getBean(NoteService.class);
  }

  @AfterAll
  static void stop() {
    if (context != null) {
      context.close();
    }
  }

  private static Set<Integer> replicaPorts() {
    Set<Integer> ports = new TreeSet<>();
    for (Node n : cluster.replicas()) {
      ports.add(n.port());
    }
    return ports;
  }

  private static int countOnPrimary(String note) throws SQLException {
    try (Connection c = cluster.primary().connect();
        PreparedStatement ps =
            c.prepareStatement("SELECT count(*) FROM " + NoteService.TABLE + " WHERE note = ?")) {
      ps.setString(1, note);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /** Reads right after a write wait (briefly) for a replica to replay it: read-your-writes. */
  static String url() {
    return cluster.lagwiseUrl() + "?lagwise.waitForReplica=2s";
  }

  @Test
  void theApplicationUsesAHikariPoolOfLagwiseConnections() throws SQLException {
    DataSource ds = context.getBean(DataSource.class);
    assertThat(ds).isInstanceOf(HikariDataSource.class);
    assertThat(((HikariDataSource) ds).getJdbcUrl()).isEqualTo(url());
    try (Connection c = ds.getConnection()) {
      assertThat(c.isWrapperFor(dev.lagwise.LagwiseConnection.class)).isTrue();
    }
  }

  @Test
  void plainReadsOutsideTransactionsRunOnReplicas() throws SQLException {
    assertThat(HikariITSupport.primaryIsInRecovery(cluster)).isFalse();
    for (int i = 0; i < 5; i++) {
      Served s = notes.whereAmI();
      assertThat(s.inRecovery()).as("pg_is_in_recovery() of a plain read").isTrue();
      assertThat(s.port()).isIn(replicaPorts());
    }
  }

  @Test
  void readOnlyTransactionsRunOnOneReplica() throws SQLException {
    String note = "ro-" + UUID.randomUUID();
    notes.writeAndReadBack(note);
    cluster.awaitReplicasCaughtUp(CATCH_UP);
    for (int i = 0; i < 3; i++) {
      NoteService.ReadOnlyResult r = notes.readOnlyTransaction(note);
      assertThat(r.served()).hasSize(3);
      assertThat(r.served()).allSatisfy(s -> assertThat(s.inRecovery()).isTrue());
      assertThat(r.served().get(0).port()).isIn(replicaPorts());
      // One node, one backend, one transaction.
      assertThat(r.served().stream().map(Served::port).distinct()).hasSize(1);
      assertThat(r.served().stream().map(Served::backendPid).distinct()).hasSize(1);
      assertThat(r.served().stream().map(Served::transactionStart).distinct()).hasSize(1);
      assertThat(r.count()).as("the row, read inside the read-only transaction").isOne();
    }
  }

  @Test
  void defaultTransactionsRunOnThePrimaryReadsIncluded() throws SQLException {
    int primary = cluster.primary().port();
    List<Served> reads = notes.readsInDefaultTransaction();
    assertThat(reads).hasSize(2).allSatisfy(s -> assertThat(s.inRecovery()).isFalse());
    assertThat(reads.stream().map(Served::port).collect(Collectors.toSet())).containsOnly(primary);
    assertThat(reads.stream().map(Served::transactionStart).distinct()).hasSize(1);

    String note = "rw-" + UUID.randomUUID();
    List<Served> served = notes.writeAndReadBack(note);
    assertThat(served).hasSize(3).allSatisfy(s -> assertThat(s.inRecovery()).isFalse());
    assertThat(served.stream().map(Served::port).collect(Collectors.toSet())).containsOnly(primary);
    assertThat(served.stream().map(Served::backendPid).distinct()).hasSize(1);
    assertThat(served.stream().map(Served::transactionStart).distinct()).hasSize(1);
    assertThat(countOnPrimary(note)).isOne();
    cluster.awaitReplicasCaughtUp(CATCH_UP);
    assertThat(notes.count(note)).as("the committed row, read on a replica").isOne();
  }

  @Test
  void aFailingTransactionIsRolledBack() throws SQLException {
    String note = "fail-" + UUID.randomUUID();
    assertThatThrownBy(() -> notes.writeThenFail(note))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(note);
    assertThat(countOnPrimary(note)).as("rows of the rolled back transaction").isZero();
    // The pool is still usable, and routing with it.
    String committed = "after-fail-" + UUID.randomUUID();
    notes.writeAndReadBack(committed);
    cluster.awaitReplicasCaughtUp(CATCH_UP);
    assertThat(notes.count(note)).isZero();
    assertThat(notes.count(committed)).isOne();
    assertThat(notes.whereAmI().inRecovery()).isTrue();
  }
}
