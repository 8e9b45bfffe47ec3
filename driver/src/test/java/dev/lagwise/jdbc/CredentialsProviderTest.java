package dev.lagwise.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lagwise.CredentialsProvider;
import dev.lagwise.LagwiseConnection;
import dev.lagwise.LagwiseDataSource;
import dev.lagwise.NodeStats;
import java.net.PasswordAuthentication;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every connect, the monitor's included, asks the credentials provider (stub vendor driver). */
class CredentialsProviderTest {

  private static final AtomicInteger CLUSTERS = new AtomicInteger();
  private String primary;
  private String replica;

  /** Named by {@code lagwise.credentialsProvider} in a test: a rotating password. */
  public static final class Rotating implements CredentialsProvider {
    static final AtomicInteger INSTANCES = new AtomicInteger();
    static final AtomicInteger VERSION = new AtomicInteger(1);

    public Rotating() {
      INSTANCES.incrementAndGet();
    }

    @Override
    public PasswordAuthentication get(String user) {
      return new PasswordAuthentication(user, ("token-" + VERSION.get()).toCharArray());
    }
  }

  /** Not a provider. */
  public static final class NotAProvider {}

  @BeforeEach
  void setUp() throws SQLException {
    StubDriver.install();
    dev.lagwise.Driver.register();
    int n = CLUSTERS.incrementAndGet();
    primary = "primarycreds" + n + ":5432";
    replica = "replicacreds" + n + ":5432";
  }

  private String url(String params) {
    return "jdbc:lagwise:postgresql://" + primary + "," + replica + "/shop" + params;
  }

  private static void use(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO t VALUES (1)");
      s.executeQuery("SELECT 1");
    }
  }

  private static List<String> passwords(boolean monitor) {
    synchronized (StubDriver.CONNECTS) {
      return StubDriver.CONNECTS.stream()
          .filter(c -> c.monitor() == monitor)
          .map(StubDriver.Connect::password)
          .distinct()
          .toList();
    }
  }

  @Test
  void aDataSourceProviderGivesEveryConnectItsCurrentPassword() throws Exception {
    AtomicInteger version = new AtomicInteger(1);
    LagwiseDataSource ds = new LagwiseDataSource();
    ds.setUrl(url("?lagwise.consistency=none"));
    ds.setUser("app");
    ds.setCredentials(
        user -> new PasswordAuthentication("iam-" + user, ("rds-" + version.get()).toCharArray()));
    try (Connection c = ds.getConnection()) {
      use(c);
    }
    // No password was ever configured: the monitor's first probes used the provider's too.
    assertThat(passwords(true)).containsExactly("rds-1");
    assertThat(passwords(false)).containsExactly("rds-1");
    assertThat(StubDriver.CONNECTS).allMatch(c -> c.user().equals("iam-app"));
    version.set(2);
    try (Connection c = ds.getConnection()) {
      use(c);
    }
    assertThat(passwords(false)).containsExactly("rds-1", "rds-2");
    // Explicit credentials win over the provider.
    try (Connection c = ds.getConnection("app", "given")) {
      use(c);
    }
    assertThat(passwords(false)).containsExactly("rds-1", "rds-2", "given");
  }

  @Test
  void aNamedProviderIsInstantiatedOncePerClusterAndUsedByTheMonitor() throws Exception {
    String params =
        "?lagwise.credentialsProvider=" + Rotating.class.getName() + "&lagwise.pollInterval=10ms";
    Properties p = new Properties();
    p.setProperty("user", "app");
    int before = Rotating.INSTANCES.get();
    Rotating.VERSION.set(7);
    try (Connection a = DriverManager.getConnection(url(params), p);
        Connection b = DriverManager.getConnection(url(params), p)) {
      use(a);
      use(b);
      assertThat(Rotating.INSTANCES.get() - before).isEqualTo(1);
      assertThat(passwords(false)).containsExactly("token-7");
      assertThat(passwords(true)).containsExactly("token-7");
      // A monitor reconnect (the replica was unreachable for a moment) asks again.
      Rotating.VERSION.set(8);
      StubDriver.DOWN.put(replica, true);
      awaitRole(a, replica, "DOWN");
      StubDriver.DOWN.remove(replica);
      awaitRole(a, replica, "REPLICA");
      assertThat(passwords(true)).containsExactly("token-7", "token-8");
    }
  }

  private static void awaitRole(Connection c, String host, String role) throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (true) {
      for (NodeStats n : c.unwrap(LagwiseConnection.class).stats().nodes()) {
        if (n.host().equals(host) && n.role().equals(role)) {
          return;
        }
      }
      assertThat(System.nanoTime()).as("%s becomes %s", host, role).isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  @Test
  void aProviderThatFailsFailsTheConnectionAndMarksNoHostDown() throws Exception {
    LagwiseDataSource ok = new LagwiseDataSource();
    ok.setUrl(url(""));
    ok.setUser("app");
    ok.setPassword("pw");
    try (Connection bystander = ok.getConnection()) {
      use(bystander);
      LagwiseDataSource ds = new LagwiseDataSource();
      ds.setUrl(url(""));
      ds.setUser("app");
      ds.setCredentials(
          user -> {
            throw new SQLException("vault sealed", "28000");
          });
      assertThatThrownBy(ds::getConnection).hasMessage("vault sealed");
      ds.setCredentials(
          user -> {
            throw new IllegalStateException("no token");
          });
      assertThatThrownBy(ds::getConnection)
          .hasMessageContaining("credentials provider")
          .hasMessageContaining("no token");
      ds.setCredentials(user -> null);
      assertThatThrownBy(ds::getConnection).hasMessageContaining("returned null");
      for (NodeStats n : bystander.unwrap(LagwiseConnection.class).stats().nodes()) {
        assertThat(n.role()).isNotEqualTo("DOWN");
      }
      use(bystander);
    }
  }

  @Test
  void aBadProviderClassIsRefusedNamingWhatIsWrong() {
    Properties p = new Properties();
    p.setProperty("user", "app");
    assertThatThrownBy(
            () -> DriverManager.getConnection(url("?lagwise.credentialsProvider=com.acme.Nope"), p))
        .hasMessageContaining("Invalid value 'com.acme.Nope' for lagwise.credentialsProvider")
        .hasMessageContaining("cannot be loaded")
        .extracting(e -> ((SQLException) e).getSQLState())
        .isEqualTo("22023");
    assertThatThrownBy(
            () ->
                DriverManager.getConnection(
                    url("?lagwise.credentialsProvider=" + NotAProvider.class.getName()), p))
        .hasMessageContaining("does not implement dev.lagwise.CredentialsProvider");
    assertThatThrownBy(
            () -> DriverManager.getConnection(url("?lagwise.credentialsProvider=not a class"), p))
        .hasMessageContaining("expected a class name");
  }

  @Test
  void aPasswordInTheUrlQueryAndAProviderAreRefused() {
    LagwiseDataSource ds = new LagwiseDataSource();
    ds.setUrl(url("?password=secret-in-url"));
    ds.setCredentials(user -> new PasswordAuthentication(user, new char[0]));
    assertThatThrownBy(ds::getConnection)
        .hasMessageContaining("would override the credentials provider's")
        .hasMessageNotContaining("secret-in-url");
  }
}
