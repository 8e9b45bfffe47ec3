package dev.lagwise.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lagwise.LagwiseConnection;
import dev.lagwise.LagwiseDataSource;
import dev.lagwise.NodeStats;
import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Node;
import dev.lagwise.testkit.ReplicatedCluster;
import java.net.PasswordAuthentication;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Credentials on a real cluster: a password rotated on the server ({@code ALTER ROLE ... PASSWORD})
 * while connections and the monitor run, with and without a {@link
 * dev.lagwise.CredentialsProvider}; and wrong passwords that fail their own connection only.
 *
 * <p>Each rotating test logs in as a role of its own, so its cluster (and monitor) is its own.
 * Killing the monitor's backends makes it reconnect, which is when the credentials it holds matter:
 * with stale ones, every host would stay DOWN.
 */
@ReplicatedCluster(replicas = 2)
class PostgresCredentialsTest {

  static final String PARAMS = "?lagwise.pollInterval=100ms&lagwise.probeTimeout=1s";

  Cluster cluster;

  void createRole(String role, String password) throws SQLException {
    try (Connection admin = cluster.primary().connect();
        Statement s = admin.createStatement()) {
      s.execute(
          "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '"
              + role
              + "') THEN CREATE ROLE "
              + role
              + " LOGIN; END IF; END $$");
      s.execute("ALTER ROLE " + role + " PASSWORD '" + password + "'");
    }
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
  }

  void rotate(String role, String password) throws SQLException {
    try (Connection admin = cluster.primary().connect();
        Statement s = admin.createStatement()) {
      s.execute("ALTER ROLE " + role + " PASSWORD '" + password + "'");
    }
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
  }

  String url() {
    return "jdbc:lagwise:postgresql://" + cluster.hostList() + "/" + cluster.database() + PARAMS;
  }

  /** The monitor's backends of {@code role} on every node (node:pid), killed when asked. */
  Set<String> monitorBackends(String role, boolean terminate) throws SQLException {
    Set<String> pids = new HashSet<>();
    for (Node node : cluster.nodes()) {
      try (Connection admin = node.connect();
          Statement s = admin.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT pid"
                      + (terminate ? ", pg_terminate_backend(pid)" : "")
                      + " FROM pg_stat_activity WHERE usename = '"
                      + role
                      + "' AND application_name = 'lagwise-monitor'")) {
        while (rs.next()) {
          pids.add(node.port() + ":" + rs.getInt(1));
        }
      }
    }
    return pids;
  }

  /**
   * Kills the monitor's backends of {@code role} on every node once it has one on each (a monitor
   * that restarts with a connection opens them in the background); returns them.
   */
  Set<String> killMonitorBackends(String role) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (monitorBackends(role, false).size() < cluster.nodes().size()) {
      assertThat(System.nanoTime()).as("monitor connected to every node").isLessThan(deadline);
      Thread.sleep(20);
    }
    Set<String> killed = monitorBackends(role, true);
    assertThat(killed).hasSize(cluster.nodes().size());
    return killed;
  }

  /**
   * Until the monitor has a new backend (none of {@code killed}) on every node and shows no host
   * DOWN: it logged in again.
   */
  void awaitMonitorBackOnEveryNode(String role, Set<String> killed, Connection c) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      Set<String> now = monitorBackends(role, false);
      now.removeAll(killed);
      if (now.size() >= cluster.nodes().size() && !anyDown(c)) {
        return;
      }
      assertThat(System.nanoTime())
          .as("monitor back on every node; %s", c.unwrap(LagwiseConnection.class).stats())
          .isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  static boolean anyDown(Connection c) throws SQLException {
    for (NodeStats n : c.unwrap(LagwiseConnection.class).stats().nodes()) {
      if (n.role().equals("DOWN")) {
        return true;
      }
    }
    return false;
  }

  /** A plain read (a replica) and a statement for the primary. */
  static void work(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT 1")) {
        rs.next();
      }
      try (ResultSet rs = s.executeQuery("SELECT txid_current()")) {
        rs.next();
      }
    }
  }

  static void assertRefused(ThrowingConnect connect, String password) {
    assertThatThrownBy(connect::connect)
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("password authentication failed")
        .hasMessageNotContaining(password)
        .extracting(e -> ((SQLException) e).getSQLState())
        .isEqualTo("28P01");
  }

  interface ThrowingConnect {
    void connect() throws SQLException;
  }

  @Test
  void aProviderKeepsConnectionsAndProbesWorkingAcrossARotation() throws Exception {
    String role = "lagwise_vault";
    createRole(role, "lease-1");
    AtomicReference<String> secret = new AtomicReference<>("lease-1");
    AtomicInteger asked = new AtomicInteger();
    LagwiseDataSource ds = new LagwiseDataSource();
    ds.setUrl(url());
    ds.setUser(role);
    ds.setCredentials(
        user -> {
          asked.incrementAndGet();
          return new PasswordAuthentication(user, secret.get().toCharArray());
        });
    try (Reader reader = new Reader(ds.getConnection())) {
      // As Vault and RDS do: the new credential is valid on the server when the provider gives it.
      rotate(role, "lease-2");
      secret.set("lease-2");
      try (Connection fresh = ds.getConnection()) {
        work(fresh);
      }
      reader.assertUntouched();
    }
    try (Connection held = ds.getConnection()) {
      // The monitor reconnects to every node; the server accepts only lease-2 now, so each new
      // backend logged in with the provider's current password.
      Set<String> killed = killMonitorBackends(role);
      awaitMonitorBackOnEveryNode(role, killed, held);
      assertThat(asked.get()).isGreaterThan(0);
      work(held);
      try (Connection again = ds.getConnection()) {
        work(again);
      }
    }
    // The old password is refused by the server, alone.
    assertRefused(() -> DriverManager.getConnection(url(), role, "lease-1").close(), "lease-1");
  }

  @Test
  void withoutAProviderOldPasswordConnectionsFailAloneAfterARotation() throws Exception {
    String role = "lagwise_plain";
    createRole(role, "old-pw-1");
    try (Reader reader = new Reader(DriverManager.getConnection(url(), role, "old-pw-1"))) {
      rotate(role, "new-pw-2");
      try (Connection b = DriverManager.getConnection(url(), role, "new-pw-2")) {
        work(b);
      }
      for (int i = 0; i < 5; i++) {
        assertRefused(
            () -> DriverManager.getConnection(url(), role, "old-pw-1").close(), "old-pw-1");
      }
      reader.assertUntouched();
    }
    try (Connection held = DriverManager.getConnection(url(), role, "new-pw-2")) {
      // The monitor adopted the password that got in, and no refused one since.
      Set<String> killed = killMonitorBackends(role);
      awaitMonitorBackOnEveryNode(role, killed, held);
      work(held);
    }
  }

  @Test
  void twentyWrongPasswordsLeaveAReadingConnectionAndTheHostsAlone() throws Exception {
    String url = cluster.lagwiseUrl();
    try (Reader reader =
        new Reader(DriverManager.getConnection(url, cluster.user(), cluster.password()))) {
      for (int i = 0; i < 20; i++) {
        assertRefused(
            () -> DriverManager.getConnection(url, cluster.user(), "wrong-" + 4711).close(),
            "wrong-4711");
      }
      reader.assertUntouched();
      System.out.println(
          "20 wrong passwords: "
              + reader.rounds.get()
              + " reads by the other connection, 0 failed, no host DOWN");
    }
  }

  /**
   * Another part of the application: reads on replicas and the primary in a loop on its own thread,
   * every error kept; a second thread watches the monitor's view without pause, so a host marked
   * DOWN even for a millisecond is seen.
   */
  static final class Reader implements AutoCloseable {
    final Connection connection;
    final List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    final List<String> seenDown = Collections.synchronizedList(new ArrayList<>());
    final AtomicLong rounds = new AtomicLong();
    private volatile boolean stop;
    private final Thread thread;
    private final Thread watcher;

    Reader(Connection c) throws Exception {
      connection = c;
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (anyDown(c)) {
        assertThat(System.nanoTime()).as("no host DOWN at the start").isLessThan(deadline);
        Thread.sleep(20);
      }
      work(c);
      thread =
          new Thread(
              () -> {
                while (!stop) {
                  try {
                    work(connection);
                    rounds.incrementAndGet();
                  } catch (SQLException | RuntimeException e) {
                    errors.add(e);
                  }
                }
              },
              "credentials-reader");
      watcher =
          new Thread(
              () -> {
                try {
                  LagwiseConnection lc = connection.unwrap(LagwiseConnection.class);
                  while (!stop) {
                    for (NodeStats n : lc.stats().nodes()) {
                      if (n.role().equals("DOWN") && seenDown.size() < 10) {
                        seenDown.add(n.host() + " (" + n.lastError() + ")");
                      }
                    }
                    Thread.onSpinWait();
                  }
                } catch (SQLException e) {
                  errors.add(e);
                }
              },
              "credentials-watcher");
      thread.start();
      watcher.start();
    }

    /** Lets it run 20 more rounds (and 300 ms), stops it, and checks it never failed. */
    void assertUntouched() throws Exception {
      long before = rounds.get();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      Thread.sleep(300);
      while (rounds.get() < before + 20 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      stopThreads();
      assertThat(errors).as("errors of the reading connection").isEmpty();
      assertThat(seenDown).as("hosts marked DOWN meanwhile").isEmpty();
      assertThat(rounds.get()).isGreaterThanOrEqualTo(before + 20);
    }

    private void stopThreads() throws InterruptedException {
      stop = true;
      thread.join(TimeUnit.SECONDS.toMillis(20));
      watcher.join(TimeUnit.SECONDS.toMillis(20));
    }

    @Override
    public void close() throws Exception {
      stopThreads();
      connection.close();
    }
  }
}
