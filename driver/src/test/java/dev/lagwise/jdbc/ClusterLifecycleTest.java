package dev.lagwise.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import javax.management.ObjectName;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A cluster without connections is retired after {@code lagwise.clusterIdleTimeout}: removed from
 * the registry with its monitor threads and its MBean; cluster-wide settings given later with
 * another value are refused, never silently ignored.
 */
class ClusterLifecycleTest {

  private static final AtomicInteger CLUSTERS = new AtomicInteger();
  private String primary;
  private String replica;

  @BeforeEach
  void setUp() throws SQLException {
    StubDriver.install();
    dev.lagwise.Driver.register();
    newHosts();
  }

  private void newHosts() {
    int n = CLUSTERS.incrementAndGet();
    primary = "primarylife" + n + ":5432";
    replica = "replicalife" + n + ":5432";
  }

  private String url(String params) {
    return "jdbc:lagwise:postgresql://" + primary + "," + replica + "/shop" + params;
  }

  private static Properties login() {
    Properties p = new Properties();
    p.setProperty("user", "app");
    p.setProperty("password", "hunter2");
    return p;
  }

  private Connection connect(String params) throws SQLException {
    return DriverManager.getConnection(url(params), login());
  }

  private static void use(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.executeQuery("SELECT 1");
      s.executeUpdate("INSERT INTO t VALUES (1)");
    }
  }

  private ObjectName mbean() throws Exception {
    return new ObjectName(
        "dev.lagwise:type=Cluster,name=" + ObjectName.quote(primary + "," + replica + "/shop"));
  }

  /** Live threads whose name starts with {@code prefix}. */
  private static List<String> threads(String prefix) {
    List<String> names = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && t.getName().startsWith(prefix)) {
        names.add(t.getName());
      }
    }
    return names;
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() < deadline).as(what).isTrue();
      Thread.sleep(5);
    }
  }

  @Test
  void anIdleClusterIsRetiredWithItsThreadsAndMBean() throws Exception {
    String params = "?lagwise.clusterIdleTimeout=100ms&lagwise.pollInterval=10ms";
    ConnectionSpec spec = ConnectionSpec.parse(url(params), login());
    Cluster first;
    try (Connection c = connect(params)) {
      use(c);
      first = ClusterRegistry.find(spec);
      assertThat(first).isNotNull();
      assertThat(ManagementFactory.getPlatformMBeanServer().isRegistered(mbean())).isTrue();
      assertThat(threads("lagwise-monitor-" + primary)).hasSize(1);
    }
    // Closed: the monitor stops probing at once, the cluster is kept for the idle timeout.
    await("monitor threads gone", () -> threads("lagwise-monitor-" + primary).isEmpty());
    await("cluster retired", () -> find(spec) == null);
    assertThat(ManagementFactory.getPlatformMBeanServer().isRegistered(mbean())).isFalse();
    // A later connection makes a new cluster, with a new MBean.
    try (Connection c = connect(params)) {
      use(c);
      assertThat(ClusterRegistry.find(spec)).isNotNull().isNotSameAs(first);
      assertThat(ManagementFactory.getPlatformMBeanServer().isRegistered(mbean())).isTrue();
    }
  }

  @Test
  void aConnectionWithinTheIdleTimeoutReusesTheCluster() throws Exception {
    String params = "?lagwise.clusterIdleTimeout=1h";
    ConnectionSpec spec = ConnectionSpec.parse(url(params), login());
    try (Connection c = connect(params)) {
      use(c);
    }
    Cluster first = ClusterRegistry.find(spec);
    try (Connection c = connect(params)) {
      use(c);
      assertThat(ClusterRegistry.find(spec)).isSameAs(first);
    }
  }

  @Test
  void aHundredShortLivedClustersLeaveNothingBehind() throws Exception {
    String params = "?lagwise.clusterIdleTimeout=0ms&lagwise.pollInterval=10ms";
    int before = ClusterRegistry.size();
    List<String> prefixes = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      newHosts();
      prefixes.add("lagwise-monitor-" + primary);
      names.add("\"" + primary + ",");
      try (Connection c = connect(params)) {
        use(c);
      }
    }
    // Clusters of other tests (idle for longer timeouts) may keep the reaper thread alive.
    await("every short-lived cluster retired", () -> ClusterRegistry.size() <= before);
    await(
        "no monitor thread of theirs alive",
        () -> threads("lagwise-monitor-").stream().noneMatch(t -> startsWithAny(t, prefixes)));
    assertThat(
            ManagementFactory.getPlatformMBeanServer()
                .queryNames(new ObjectName("dev.lagwise:type=Cluster,*"), null)
                .stream()
                .filter(n -> names.stream().anyMatch(n.toString()::contains))
                .count())
        .isZero();
  }

  private static boolean startsWithAny(String name, List<String> prefixes) {
    for (String p : prefixes) {
      if (name.equals(p)) {
        return true;
      }
    }
    return false;
  }

  private static Cluster find(ConnectionSpec spec) {
    try {
      return ClusterRegistry.find(spec);
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aDifferentClusterWideValueIsRefusedNamingBothValues() throws Exception {
    try (Connection first = connect("?lagwise.pollInterval=50ms")) {
      use(first);
      assertThatThrownBy(() -> connect("?lagwise.pollInterval=100ms"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining(
              "lagwise.pollInterval=100ms conflicts with lagwise.pollInterval=50ms in force")
          .hasMessageContaining("cluster-wide")
          .hasMessageContaining("first connection")
          .hasMessageContaining(primary)
          .hasMessageNotContaining("hunter2")
          .extracting(e -> ((SQLException) e).getSQLState())
          .isEqualTo("22023");
      assertThatThrownBy(() -> connect("?lagwise.probeTimeout=5s"))
          .hasMessageContaining("lagwise.probeTimeout=5s conflicts with lagwise.probeTimeout=2s");
      assertThatThrownBy(() -> connect("?lagwise.clusterIdleTimeout=1m"))
          .hasMessageContaining("lagwise.clusterIdleTimeout=1m conflicts with");
      // The refused connections held nothing: the cluster still has exactly one user.
      assertThat(ClusterRegistry.find(ConnectionSpec.parse(url(""), login())).monitor.users())
          .isEqualTo(1);
    }
  }

  @Test
  void theSameValueLeftOutOrSpelledOtherwiseJoinsAndConnectionSettingsMayDiffer() throws Exception {
    try (Connection first = connect("?lagwise.pollInterval=1s");
        Connection same = connect("?lagwise.pollInterval=1000ms");
        Connection omitted = connect("");
        Connection perConnection = connect("?lagwise.maxLag=10s&lagwise.consistency=none")) {
      use(first);
      use(same);
      use(omitted);
      use(perConnection);
    }
  }

  @Test
  void safeFunctionsAreHonouredPerConnection() throws Exception {
    String params = "?lagwise.consistency=none&lagwise.waitForReplica=0ms";
    try (Connection plain = connect(params);
        Connection declaring = connect(params + "&lagwise.replicaSafeFunctions=My_Fn,other_fn");
        Connection sameSet = connect(params + "&lagwise.replicaSafeFunctions=other_fn,my_fn")) {
      StubDriver.LOG.clear();
      for (Connection c : List.of(plain, declaring, sameSet)) {
        try (Statement s = c.createStatement()) {
          s.executeQuery("SELECT my_fn(" + (c == plain ? 1 : c == declaring ? 2 : 3) + ")");
        }
      }
      assertThat(StubDriver.hostsFor("my_fn(1)")).containsExactly(primary);
      assertThat(StubDriver.hostsFor("my_fn(2)")).containsExactly(replica);
      assertThat(StubDriver.hostsFor("my_fn(3)")).containsExactly(replica);
      assertThat(
              ((LogicalConnection) declaring.unwrap(dev.lagwise.LagwiseConnection.class))
                  .classifier)
          .isSameAs(
              ((LogicalConnection) sameSet.unwrap(dev.lagwise.LagwiseConnection.class)).classifier);
    }
  }

  @Test
  void moreThanEightSafeFunctionSetsPerClusterAreRefused() throws Exception {
    List<Connection> open = new ArrayList<>();
    try {
      for (int i = 0; i < Cluster.MAX_CLASSIFIERS - 1; i++) {
        open.add(connect("?lagwise.replicaSafeFunctions=fn" + i));
      }
      open.add(connect(""));
      assertThatThrownBy(() -> connect("?lagwise.replicaSafeFunctions=one_too_many"))
          .hasMessageContaining("8 different combinations of lagwise.replicaSafeFunctions")
          .hasMessageContaining("replicaSafeFunctions=one_too_many")
          .extracting(e -> ((SQLException) e).getSQLState())
          .isEqualTo("22023");
      open.add(connect("?lagwise.replicaSafeFunctions=fn0"));
    } finally {
      for (Connection c : open) {
        c.close();
      }
    }
  }
}
