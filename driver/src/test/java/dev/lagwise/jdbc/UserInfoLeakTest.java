package dev.lagwise.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lagwise.LagwiseConnection;
import dev.lagwise.LagwiseDataSource;
import dev.lagwise.NodeStats;
import java.lang.management.ManagementFactory;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue #7: {@code user:password@} in the URL through the real driver classes and {@link
 * StubDriver}. The password must not reach host names, and so no thread name, MBean name,
 * statistics line, {@code toString()} or message.
 */
class UserInfoLeakTest {

  private static final AtomicInteger CLUSTERS = new AtomicInteger();

  /** As written in the URL, and as the server would see it. */
  private static final String ENCODED = "Pw%40x:Leak77";

  private static final String PASSWORD = "Pw@x:Leak77";
  private String primary;
  private String replica;

  @BeforeEach
  void setUp() throws SQLException {
    StubDriver.install();
    dev.lagwise.Driver.register();
    int n = CLUSTERS.incrementAndGet();
    primary = "primaryuserinfo" + n + ":5432";
    replica = "replicauserinfo" + n + ":5432";
  }

  private String url() {
    return "jdbc:lagwise:postgresql://app:"
        + ENCODED
        + "@"
        + replica
        + ","
        + primary
        + "/shop?lagwise.consistency=none&lagwise.probeTimeout=1s";
  }

  @Test
  void theUserInfoPasswordShowsNowhere() throws Exception {
    List<String> seen = new ArrayList<>();
    try (LagwiseConnection c = DriverManager.getConnection(url()).unwrap(LagwiseConnection.class)) {
      try (Statement s = c.createStatement()) {
        s.execute("SELECT 'user-info'");
        s.execute("UPDATE t SET a = 1");
      }
      assertThat(c.lastNode()).isEqualTo(primary);
      seen.add(c.toString());
      seen.add(c.stats().toString());
      List<String> hosts = new ArrayList<>();
      for (NodeStats n : c.stats().nodes()) {
        hosts.add(n.host());
      }
      assertThat(hosts).containsExactly(replica, primary);
      // The monitor names its threads after the hosts.
      List<String> threads = new ArrayList<>();
      for (Thread t : Thread.getAllStackTraces().keySet()) {
        threads.add(t.getName());
      }
      assertThat(threads).contains("lagwise-monitor-" + primary, "lagwise-monitor-" + replica);
      seen.addAll(threads);
    }
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name =
        new ObjectName(
            "dev.lagwise:type=Cluster,name=" + ObjectName.quote(replica + "," + primary + "/shop"));
    assertThat(server.isRegistered(name)).isTrue();
    for (ObjectName n : server.queryNames(new ObjectName("dev.lagwise:*"), null)) {
      seen.add(n.toString());
      seen.addAll(List.of((String[]) server.getAttribute(n, "Nodes")));
    }
    LagwiseDataSource ds = new LagwiseDataSource();
    ds.setUrl(url());
    seen.add(ds.toString());
    seen.add(ds.stats().toString());

    assertThat(seen).noneMatch(s -> s.contains("Leak77")).noneMatch(s -> s.contains("Pw%40x"));
  }

  @Test
  void noReachableHostIsReportedWithoutThePassword() {
    StubDriver.DOWN.put(primary, true);
    StubDriver.DOWN.put(replica, true);
    assertThatThrownBy(() -> DriverManager.getConnection(url()))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining(replica + " DOWN")
        .hasMessageContaining(primary + " DOWN")
        .hasMessageNotContaining("Leak77")
        .hasMessageNotContaining("app:");
  }

  @Test
  void theVendorIsGivenTheDecodedPasswordAsAProperty() throws SQLException {
    ConnectionSpec spec = ConnectionSpec.parse(url(), null);
    assertThat(spec.vendorProperties.getProperty("password")).isEqualTo(PASSWORD);
    assertThat(spec.vendorUrl(spec.hosts.get(0))).doesNotContain("Leak77").doesNotContain("app");
  }
}
