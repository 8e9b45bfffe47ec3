package dev.lagwise.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestClassOrder;

/**
 * The extension, seen from test classes: each {@code @Nested} class below is a test class of its
 * own with its own annotation, run in the declared order.
 */
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
class ClusterExtensionTest {

  static final AtomicReference<Cluster> SHARED = new AtomicReference<>();
  static final AtomicReference<Cluster> ISOLATED = new AtomicReference<>();
  static final AtomicReference<Cluster> PROMOTED = new AtomicReference<>();
  static final AtomicReference<Cluster> AFTER_PROMOTION = new AtomicReference<>();

  @AfterAll
  static void sharedClustersOutliveTheirClassesAndIsolatedOnesDoNot() {
    assertThat(SHARED.get().primary().isRunning()).isTrue();
    assertThat(ISOLATED.get().nodes()).noneMatch(Node::isRunning);
    // a shared cluster that could not be reset was replaced, and the broken one closed
    assertThat(PROMOTED.get().nodes()).noneMatch(Node::isRunning);
    assertThat(AFTER_PROMOTION.get().primary().isRunning()).isTrue();
  }

  @Nested
  @Order(1)
  @ReplicatedCluster
  class InjectsEverywhere {
    static Cluster fromBeforeAll;
    static Cluster staticField;
    private final Cluster fromConstructor;
    Cluster field;
    private Cluster privateField;

    InjectsEverywhere(Cluster cluster) {
      this.fromConstructor = cluster;
    }

    @BeforeAll
    static void beforeAll(Cluster cluster) {
      fromBeforeAll = cluster;
    }

    @Test
    void parametersAndFieldsGetOneRunningCluster(Cluster parameter) {
      assertThat(parameter).isNotNull();
      assertThat(fromConstructor).isSameAs(parameter);
      assertThat(field).isSameAs(parameter);
      assertThat(privateField).isSameAs(parameter);
      assertThat(fromBeforeAll).isSameAs(parameter);
      assertThat(staticField).isSameAs(parameter);
      assertThat(parameter.engine()).isEqualTo(Engine.POSTGRESQL);
      assertThat(parameter.replicas()).hasSize(2);
      assertThat(parameter.primary().isRunning()).isTrue();
      SHARED.set(parameter);
    }
  }

  @Nested
  @Order(2)
  @ReplicatedCluster(engine = Engine.POSTGRESQL, replicas = 2)
  class SharesWithTheSameShape {
    Cluster cluster;

    @Test
    void getsTheSameInstanceAsTheFirstClass() {
      assertThat(SHARED.get()).isNotNull();
      assertThat(cluster).isSameAs(SHARED.get());
    }
  }

  @Nested
  @Order(3)
  @ReplicatedCluster(replicas = 1, isolated = true)
  class Isolated {
    @Test
    void getsAClusterOfItsOwn(Cluster cluster) {
      assertThat(cluster).isNotSameAs(SHARED.get());
      assertThat(cluster.replicas()).hasSize(1);
      ISOLATED.set(cluster);
    }
  }

  @Nested
  @Order(4)
  @ReplicatedCluster(replicas = 1)
  class BreaksASharedCluster {
    @Test
    void promotes(Cluster cluster) {
      PROMOTED.set(cluster);
      cluster.replicas().get(0).promote();
    }
  }

  @Nested
  @Order(5)
  @ReplicatedCluster(replicas = 1)
  class AfterTheBreak {
    @Test
    void getsAFreshCluster(Cluster cluster) {
      assertThat(cluster).isNotSameAs(PROMOTED.get());
      assertThat(cluster.replicas()).hasSize(1);
      assertThat(cluster.primary().name()).isEqualTo("primary");
      AFTER_PROMOTION.set(cluster);
    }
  }

  @Nested
  @Order(6)
  @ReplicatedCluster(engine = Engine.MARIADB, replicas = 1, isolated = true)
  class MariaDb {
    @Test
    void startsAMariaDbCluster(Cluster cluster) throws Exception {
      assertThat(cluster.engine()).isEqualTo(Engine.MARIADB);
      assertThat(cluster.replicas()).hasSize(1);
      assertThat(cluster.primary().jdbcUrl()).startsWith("jdbc:mariadb://");
      try (var c = cluster.primary().connect();
          var s = c.createStatement();
          var rs = s.executeQuery("SELECT 1")) {
        assertThat(rs.next()).isTrue();
      }
    }
  }
}
