package dev.lagwise.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lagwise.LagwiseConnection;
import dev.lagwise.LagwiseDataSource;
import dev.lagwise.NodeStats;
import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Engine;
import dev.lagwise.testkit.Node;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/**
 * Issue #7 on a real cluster: {@code user:password@} in front of the hosts logs in on every host
 * (the monitor's probes included), and no password, right or wrong, shows in a message, a thread
 * name, an MBean or the statistics. The engines differ only in how a login is created.
 */
abstract class UrlUserInfoChecks {

  /** A login of this class's own, so its cluster (keyed by user) is this class's too. */
  static final String USER = "uit_app";

  /** With the characters that are special in a URL; written as-is and percent-encoded below. */
  static final String PASSWORD = "Uit@42:sec";

  static final String PASSWORD_ENCODED = "Uit%4042%3Asec";

  /** A login that exists but is never given its password here. */
  static final String OTHER_USER = "uit_other";

  static final String OTHER_PASSWORD = "Other@1:pw";

  static final String WRONG = "Wrong@Pw:77";

  Cluster cluster;

  /** Creates (again) {@link #USER} and {@link #OTHER_USER} on the primary, and waits for them. */
  static void createLogins(Cluster c) throws SQLException {
    try (Connection p = c.primary().connect();
        Statement s = p.createStatement()) {
      for (String[] login : new String[][] {{USER, PASSWORD}, {OTHER_USER, OTHER_PASSWORD}}) {
        if (c.engine() == Engine.POSTGRESQL) {
          s.execute("DROP ROLE IF EXISTS " + login[0]);
          s.execute("CREATE ROLE " + login[0] + " LOGIN PASSWORD '" + login[1] + "'");
        } else {
          s.execute("DROP USER IF EXISTS '" + login[0] + "'@'%'");
          s.execute("CREATE USER '" + login[0] + "'@'%' IDENTIFIED BY '" + login[1] + "'");
          s.execute("GRANT SELECT ON *.* TO '" + login[0] + "'@'%'");
        }
      }
    }
    c.awaitReplicasCaughtUp(Duration.ofSeconds(30));
  }

  String url(String userInfo) {
    String scheme = cluster.engine() == Engine.POSTGRESQL ? "postgresql" : "mariadb";
    return "jdbc:lagwise:"
        + scheme
        + "://"
        + userInfo
        + "@"
        + cluster.hostList()
        + "/"
        + cluster.database()
        + "?lagwise.waitForReplica=2s";
  }

  /** The port of the server that ran the statement. */
  int port(Statement s) throws SQLException {
    String sql =
        cluster.engine() == Engine.POSTGRESQL ? "SELECT inet_server_port()" : "SELECT @@port";
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void userInfoCredentialsLogInOnEveryHostAndShowNowhere() throws Exception {
    List<String> seen = new ArrayList<>();
    for (String userInfo :
        List.of(USER + ":" + PASSWORD, USER + ":" + PASSWORD_ENCODED, "uit%5Fapp:" + PASSWORD)) {
      // No user or password anywhere but in the URL.
      try (Connection c = DriverManager.getConnection(url(userInfo));
          Statement s = c.createStatement()) {
        LagwiseConnection lc = c.unwrap(LagwiseConnection.class);
        // The monitor logged in to every host with them: a read finds a replica.
        assertThat(cluster.replicas()).extracting(Node::port).contains(port(s));
        c.setAutoCommit(false);
        assertThat(port(s)).isEqualTo(cluster.primary().port());
        c.commit();
        for (NodeStats n : lc.stats().nodes()) {
          assertThat(n.role()).isIn("PRIMARY", "REPLICA");
          assertThat(cluster.hostList()).contains(n.host());
        }
        seen.add(c.toString());
        seen.add(lc.stats().toString());
        seen.addAll(monitorThreadNames());
      }
    }
    LagwiseDataSource ds = new LagwiseDataSource();
    ds.setUrl(url(USER + ":" + PASSWORD));
    seen.add(ds.toString());
    seen.add(ds.stats().toString());
    assertNoPassword(seen);
  }

  @Test
  void wrongCredentialsFailWithoutShowingThem() throws Exception {
    // A cluster that does not exist yet: every probe fails; getConnection fails as the vendor
    // does, with its authentication SQLState (PostgreSQL 28P01, MariaDB 28000).
    assertThatThrownBy(() -> DriverManager.getConnection(url(OTHER_USER + ":" + WRONG)).close())
        .isInstanceOf(SQLException.class)
        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).startsWith("28"))
        .hasMessageNotContaining(WRONG)
        .hasMessageNotContaining("Wrong%40")
        .hasMessageNotContaining(OTHER_PASSWORD);

    // A cluster whose monitor is logged in: getConnection's own connection is refused.
    List<String> seen = new ArrayList<>();
    try (Connection good = DriverManager.getConnection(url(USER + ":" + PASSWORD_ENCODED));
        Statement s = good.createStatement()) {
      port(s);
      seen.addAll(monitorThreadNames());
    }
    assertThatThrownBy(
            () -> {
              try (Connection c = DriverManager.getConnection(url(USER + ":" + WRONG));
                  Statement s = c.createStatement()) {
                port(s);
              }
            })
        .isInstanceOf(SQLException.class)
        .hasMessageNotContaining(WRONG)
        .hasMessageNotContaining(PASSWORD);

    assertNoPassword(seen);
  }

  /**
   * The names of the threads of the monitors, which are named after the hosts; taken while a
   * connection is open (an idle monitor has no threads).
   */
  static List<String> monitorThreadNames() {
    List<String> names = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      names.add(t.getName());
    }
    assertThat(names).anyMatch(name -> name.startsWith("lagwise-monitor-127.0.0.1:"));
    return names;
  }

  private static List<String> nodes(MBeanServer server, ObjectName name) throws JMException {
    return List.of((String[]) server.getAttribute(name, "Nodes"));
  }

  /**
   * No password of this class in {@code seen} or in any Lagwise MBean's name or nodes, of every
   * cluster of the JVM.
   */
  static void assertNoPassword(List<String> seen) throws JMException {
    List<String> all = new ArrayList<>(seen);
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    List<ObjectName> names =
        new ArrayList<>(server.queryNames(new ObjectName("dev.lagwise:*"), null));
    assertThat(names).isNotEmpty();
    for (ObjectName n : names) {
      all.add(n.toString());
      all.addAll(nodes(server, n));
    }
    for (String secret : List.of(PASSWORD, PASSWORD_ENCODED, WRONG, "Wrong%40", OTHER_PASSWORD)) {
      assertThat(all).as("contains %s", secret).noneMatch(s -> s.contains(secret));
    }
  }
}
