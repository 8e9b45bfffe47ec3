package dev.lagwise.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lagwise.LagwiseConnection;
import dev.lagwise.NodeStats;
import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Node;
import dev.lagwise.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One connection's error is evidence, not a verdict on the host: a wrong password, a {@code SET
 * DateStyle} that PgJDBC answers by closing its connection, an {@code abort()}, a backend
 * terminated by an administrator: every other connection of the JVM goes on without an error and no
 * host is marked down. A host that is really gone is still taken out at once, by the monitor's
 * probe that the first error asks for.
 *
 * <p>The tests use a database of their own, so their cluster (and monitor) is theirs, polling every
 * 3 s: a host marked down on one session's word would stay down for seconds, long enough to see.
 */
@ReplicatedCluster(replicas = 2)
class PostgresSuspicionTest {

  static final String DB = "lagwise_suspicion";

  static final String PARAMS =
      "?socketTimeout=5&connectTimeout=5&lagwise.pollInterval=3s&lagwise.probeTimeout=1s";

  static final String WRONG_PASSWORD = "not-the-secret-4711";

  static Cluster cluster;

  @BeforeAll
  static void setUp(Cluster c) throws Exception {
    cluster = c;
    try (Connection p = c.primary().connect();
        Statement s = p.createStatement()) {
      try (ResultSet rs =
          s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DB + "'")) {
        if (!rs.next()) {
          s.execute("CREATE DATABASE " + DB);
        }
      }
    }
    Node primary = c.primary();
    try (Connection p =
            DriverManager.getConnection(
                "jdbc:postgresql://" + primary.host() + ":" + primary.port() + "/" + DB,
                c.user(),
                c.password());
        Statement s = p.createStatement()) {
      s.execute("DROP TABLE IF EXISTS pst_events");
      s.execute("CREATE TABLE pst_events (id serial PRIMARY KEY)");
    }
    c.awaitReplicasCaughtUp(Duration.ofSeconds(30));
  }

  static String url() {
    return "jdbc:lagwise:postgresql://" + cluster.hostList() + "/" + DB + PARAMS;
  }

  static Connection connect() throws SQLException {
    return DriverManager.getConnection(url(), cluster.user(), cluster.password());
  }

  static void write(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO pst_events DEFAULT VALUES");
    }
  }

  static void read(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM pst_events")) {
      rs.next();
    }
  }

  static long primaryBackendPid(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("/*lagwise:primary*/ SELECT pg_backend_pid()")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static void awaitNoHostDown(Connection c) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      boolean down = false;
      for (NodeStats n : c.unwrap(LagwiseConnection.class).stats().nodes()) {
        down |= n.role().equals("DOWN");
      }
      if (!down) {
        return;
      }
      if (System.nanoTime() > deadline) {
        assertNoHostDown(c);
      }
      Thread.sleep(20);
    }
  }

  /** No host is DOWN in the monitor's view. */
  static void assertNoHostDown(Connection c) throws SQLException {
    for (NodeStats n : c.unwrap(LagwiseConnection.class).stats().nodes()) {
      assertThat(n.role()).as("%s (%s)", n.host(), n.lastError()).isNotEqualTo("DOWN");
    }
  }

  /**
   * Another part of the application: writes and reads on its own connection, in a loop on its own
   * thread, until closed; every error is kept. A second thread watches the monitor's view without
   * pause: a host marked DOWN even for the millisecond until the monitor probes it again (which is
   * all it took for other connections to fail under load) is seen.
   */
  static final class Bystander implements AutoCloseable {
    final Connection connection;
    final List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    final List<String> seenDown = Collections.synchronizedList(new ArrayList<>());
    final AtomicLong rounds = new AtomicLong();
    private volatile boolean stop;
    private final Thread thread;
    private final Thread watcher;

    Bystander() throws Exception {
      connection = connect();
      // A replica restarted by an earlier test is back in routing at the monitor's next poll.
      awaitNoHostDown(connection);
      // Its vendor connections to the primary and a replica are open before anything happens.
      write(connection);
      read(connection);
      thread =
          new Thread(
              () -> {
                while (!stop) {
                  try {
                    write(connection);
                    read(connection);
                    rounds.incrementAndGet();
                  } catch (SQLException | RuntimeException e) {
                    errors.add(e);
                  }
                }
              },
              "bystander");
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
              "bystander-watcher");
      thread.start();
      watcher.start();
    }

    /** Lets it run a little longer, stops it, and checks it never failed. */
    void assertUntouched() throws Exception {
      long before = rounds.get();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      // At least 20 more rounds (and 300 ms): long after the other connection's error.
      Thread.sleep(300);
      while (rounds.get() < before + 20 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      stop = true;
      thread.join(TimeUnit.SECONDS.toMillis(20));
      watcher.join(TimeUnit.SECONDS.toMillis(20));
      assertThat(errors).as("errors of the bystanding connection").isEmpty();
      assertThat(seenDown).as("hosts marked DOWN meanwhile").isEmpty();
      assertThat(rounds.get()).isGreaterThanOrEqualTo(before + 20);
    }

    @Override
    public void close() throws Exception {
      stop = true;
      thread.join(TimeUnit.SECONDS.toMillis(20));
      watcher.join(TimeUnit.SECONDS.toMillis(20));
      connection.close();
    }
  }

  @Test
  void aWrongPasswordFailsItsOwnConnectionOnly() throws Exception {
    try (Bystander other = new Bystander()) {
      for (int i = 0; i < 3; i++) {
        assertThatThrownBy(
                () -> {
                  try (Connection c =
                      DriverManager.getConnection(url(), cluster.user(), WRONG_PASSWORD)) {
                    write(c);
                    read(c);
                  }
                })
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("password authentication failed")
            .hasMessageNotContaining(WRONG_PASSWORD);
      }
      assertNoHostDown(other.connection);
      other.assertUntouched();
    }
    try (Connection fresh = connect()) {
      write(fresh);
      read(fresh);
    }
  }

  @Test
  void aDateStyleChangeClosesOnlyItsOwnVendorConnection() throws Exception {
    try (Bystander other = new Bystander();
        Connection c = connect()) {
      write(c);
      read(c);
      assertThatThrownBy(
              () -> {
                try (Statement s = c.createStatement()) {
                  s.execute("SET DateStyle='PostgreSQL'");
                }
              })
          .isInstanceOf(SQLException.class)
          .extracting(e -> ((SQLException) e).getSQLState())
          .asString()
          .startsWith("08");
      // What follows on this connection may fail once more, as its vendor connection is gone.
      try {
        write(c);
      } catch (SQLException e) {
        assertThat(e.getSQLState()).startsWith("08");
      }
      assertNoHostDown(other.connection);
      other.assertUntouched();
    }
  }

  @Test
  void anAbortedConnectionLeavesTheOthersAlone() throws Exception {
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try (Bystander other = new Bystander()) {
      Connection c = connect();
      write(c);
      Future<?> sleeping =
          executor.submit(
              () -> {
                try (Statement s = c.createStatement()) {
                  s.execute("/*lagwise:primary*/ SELECT pg_sleep(5)");
                }
                return null;
              });
      Thread.sleep(300);
      // Not the executor running the statement: PgJDBC closes its socket on the abort executor.
      c.abort(Runnable::run);
      assertThatThrownBy(() -> sleeping.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(SQLException.class);
      assertThat(c.isClosed()).isTrue();
      assertNoHostDown(other.connection);
      other.assertUntouched();
    } finally {
      executor.shutdownNow();
    }
  }

  /**
   * The monitor probes with the credentials of the latest connection that got in (or that came
   * while no host was up), not the first connection's forever: a wrong password given first, and
   * then a rotated password, each fail only the connection that uses them.
   */
  @Test
  void theMonitorUsesTheCredentialsOfTheLatestConnectionThatGotIn() throws Exception {
    String role = "lagwise_rotating";
    try (Connection admin = cluster.primary().connect();
        Statement s = admin.createStatement()) {
      s.execute(
          "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '"
              + role
              + "') THEN CREATE ROLE "
              + role
              + " LOGIN; END IF; END $$");
      s.execute("ALTER ROLE " + role + " PASSWORD 'first-pw-1'");
    }
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
    // A cluster of its own (another user), polling often, so that a locked-out monitor shows.
    String url =
        "jdbc:lagwise:postgresql://"
            + cluster.hostList()
            + "/"
            + DB
            + "?lagwise.pollInterval=100ms&lagwise.probeTimeout=1s";
    // The first connection of this cluster in the JVM gives a wrong password.
    assertThatThrownBy(
            () -> {
              try (Connection c = DriverManager.getConnection(url, role, WRONG_PASSWORD)) {
                selectOne(c);
              }
            })
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("password authentication failed")
        .hasMessageNotContaining(WRONG_PASSWORD);
    try (Connection a = DriverManager.getConnection(url, role, "first-pw-1")) {
      selectOne(a);
      writeOnPrimary(a);
      assertNoHostDown(a);
      // The password rotates; the monitor's connections are dropped and reconnect with the old
      // one: every host shows DOWN until a connection with the new password gets in.
      try (Connection admin = cluster.primary().connect();
          Statement s = admin.createStatement()) {
        s.execute("ALTER ROLE " + role + " PASSWORD 'second-pw-2'");
      }
      cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
      for (Node n : cluster.nodes()) {
        try (Connection admin = n.connect();
            Statement s = admin.createStatement()) {
          s.execute(
              "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '"
                  + role
                  + "' AND application_name = 'lagwise-monitor'");
        }
      }
      awaitDown(a, cluster.primary());
      try (Connection b = DriverManager.getConnection(url, role, "second-pw-2")) {
        selectOne(b);
        writeOnPrimary(b);
        // A probe that began before b got in may still fail with the old password; the next ones
        // use b's.
        awaitNoHostDown(b);
      }
      // The first connection's vendor connections were authenticated before the rotation.
      selectOne(a);
      writeOnPrimary(a);
    }
  }

  static void selectOne(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT 1")) {
      rs.next();
    }
  }

  /** A statement that must run on the primary, for a role that may write nothing. */
  static void writeOnPrimary(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SELECT txid_current()");
    }
  }

  /**
   * An abort() while a read runs on a replica: the read fails and is not retried on a new vendor
   * connection, which the aborted connection would never close.
   */
  @Test
  void anAbortedReadIsNotRetriedOnANewVendorConnection() throws Exception {
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try {
      long before = sessionsOfThisDatabase();
      Connection c = connect();
      read(c);
      Future<?> sleeping =
          executor.submit(
              () -> {
                try (Statement s = c.createStatement()) {
                  s.execute("SELECT pg_sleep(3)");
                }
                return null;
              });
      Thread.sleep(300);
      c.abort(Runnable::run);
      assertThatThrownBy(() -> sleeping.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(SQLException.class);
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (sessionsOfThisDatabase() > before && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      // At most as many as before: a session of an earlier test may still have been closing then.
      assertThat(sessionsOfThisDatabase())
          .as("vendor connections left open")
          .isLessThanOrEqualTo(before);
    } finally {
      executor.shutdownNow();
    }
  }

  /** Client sessions on this test's database on every node, the monitor's not counted. */
  static long sessionsOfThisDatabase() throws SQLException {
    long n = 0;
    for (Node node : cluster.nodes()) {
      try (Connection admin = node.connect();
          Statement s = admin.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT count(*) FROM pg_stat_activity WHERE datname = '"
                      + DB
                      + "' AND application_name <> 'lagwise-monitor' AND pid <> pg_backend_pid()")) {
        rs.next();
        n += rs.getLong(1);
      }
    }
    return n;
  }

  @Test
  void aTerminatedBackendTakesOnlyItsOwnSession() throws Exception {
    try (Bystander other = new Bystander();
        Connection c = connect();
        Connection admin = cluster.primary().connect()) {
      write(c);
      long pid = primaryBackendPid(c);
      try (Statement s = admin.createStatement()) {
        s.execute("SELECT pg_terminate_backend(" + pid + ")");
      }
      // PgJDBC reports the server's FATAL 57P01 first, then that its connection is closed.
      for (int i = 0; i < 2; i++) {
        try {
          write(c);
        } catch (SQLException expected) {
          // The session lost its vendor connection; the host did not go anywhere.
        }
      }
      write(c);
      assertNoHostDown(other.connection);
      other.assertUntouched();
    }
  }

  /**
   * A session unwrapped to PgJDBC (pinned to the primary, its writes unseen) whose primary
   * connection is lost while the primary is down: close() captures what it can and closes; it used
   * to throw ArrayIndexOutOfBoundsException (no node to capture on).
   */
  @Test
  void closeAfterThePinnedConnectionWasLostWithThePrimaryDown() throws Exception {
    Node primary = cluster.primary();
    // Keeps the cluster's monitor running: c closes itself once its pinned connection is lost, and
    // a cluster with no connection left stops probing (so the primary would never show DOWN).
    Connection keeper = connect();
    Connection c = connect();
    c.unwrap(org.postgresql.core.BaseConnection.class);
    write(c);
    primary.stop();
    try {
      // The server's goodbye (57P01), then PgJDBC's "connection has been closed" (08003).
      for (int i = 0; i < 2; i++) {
        try {
          write(c);
        } catch (SQLException expected) {
          // The pinned vendor connection is gone.
        }
      }
      awaitDown(keeper, primary);
      c.close();
      assertThat(c.isClosed()).isTrue();
    } finally {
      keeper.close();
      primary.start();
      awaitWritable();
    }
  }

  static void awaitDown(Connection c, Node n) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (downAfterMillis(c, n) < 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(n.name() + " never DOWN");
      }
      Thread.sleep(10);
    }
  }

  static void awaitWritable() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try (Connection c = connect()) {
        write(c);
        return;
      } catch (SQLException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  /**
   * Autocommit reads on four connections while a replica is stopped (SIGINT: fast shutdown) or
   * killed (SIGKILL of every process): no read fails, and the slowest read stays short, though the
   * monitor polls only every 3 s: the first error's probe takes the host out.
   */
  @ParameterizedTest(name = "replica {0}")
  @ValueSource(strings = {"stopped", "killed"})
  void readsGoOnWhenAReplicaGoes(String how) throws Exception {
    Node victim = cluster.replicas().get(0);
    int threads = 4;
    List<Connection> connections = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
    AtomicLong reads = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicLong worstAfterFault = new AtomicLong();
    AtomicLong slowAfterFault = new AtomicLong();
    AtomicLong worstBeforeFault = new AtomicLong();
    List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    long[] faultAt = {Long.MAX_VALUE};
    long[] stopAt = {Long.MAX_VALUE};
    try {
      for (int i = 0; i < threads; i++) {
        Connection c = connect();
        read(c);
        connections.add(c);
      }
      List<Future<?>> running = new ArrayList<>();
      for (Connection c : connections) {
        running.add(
            pool.submit(
                () -> {
                  while (System.nanoTime() - stopAt[0] < 0) {
                    long start = System.nanoTime();
                    try {
                      read(c);
                    } catch (SQLException e) {
                      failed.incrementAndGet();
                      errors.add(e);
                    }
                    long end = System.nanoTime();
                    reads.incrementAndGet();
                    if (start - faultAt[0] < 0) {
                      worstBeforeFault.accumulateAndGet(end - start, Math::max);
                    } else {
                      worstAfterFault.accumulateAndGet(end - start, Math::max);
                      if (end - start > 20_000_000L) {
                        slowAfterFault.incrementAndGet();
                      }
                    }
                  }
                  return null;
                }));
      }
      Thread.sleep(1000);
      long readsBefore = reads.get();
      AtomicLong downAt = new AtomicLong();
      Connection watched = connections.get(0);
      Future<?> watcher =
          pool.submit(
              () -> {
                while (downAfterMillis(watched, victim) < 0 && System.nanoTime() - stopAt[0] < 0) {
                  Thread.onSpinWait();
                }
                downAt.set(System.nanoTime());
                return null;
              });
      faultAt[0] = System.nanoTime();
      if (how.equals("stopped")) {
        victim.stop();
      } else {
        victim.kill();
      }
      long faultDone = System.nanoTime();
      Thread.sleep(2000);
      stopAt[0] = System.nanoTime();
      for (Future<?> f : running) {
        f.get(30, TimeUnit.SECONDS);
      }
      watcher.get(30, TimeUnit.SECONDS);
      long downAfter = downAfterMillis(connections.get(0), victim);
      System.out.printf(
          java.util.Locale.ROOT,
          "PostgresSuspicionTest: replica %s during autocommit reads on %d connections: %d reads"
              + " (%d before the fault), %d failed, slowest read after the fault %d ms, %d"
              + " reads over 20 ms (slowest before it %d ms); %s %d ms after the %s began (it took"
              + " %d ms)%n",
          how,
          threads,
          reads.get(),
          readsBefore,
          failed.get(),
          TimeUnit.NANOSECONDS.toMillis(worstAfterFault.get()),
          slowAfterFault.get(),
          TimeUnit.NANOSECONDS.toMillis(worstBeforeFault.get()),
          downAfter < 0 ? "the victim is not DOWN" : "the victim was DOWN",
          TimeUnit.NANOSECONDS.toMillis(downAt.get() - faultAt[0]),
          how.equals("stopped") ? "stop" : "kill",
          TimeUnit.NANOSECONDS.toMillis(faultDone - faultAt[0]));
      assertThat(errors).as("failed reads").isEmpty();
      assertThat(downAfter).as("the monitor took the replica out").isZero();
      assertThat(Duration.ofNanos(worstAfterFault.get())).isLessThan(Duration.ofSeconds(1));
    } finally {
      stopAt[0] = System.nanoTime();
      pool.shutdownNow();
      pool.awaitTermination(30, TimeUnit.SECONDS);
      for (Connection c : connections) {
        c.close();
      }
      if (!victim.isRunning()) {
        victim.start();
      }
      cluster.awaitReplicasCaughtUp(Duration.ofSeconds(60));
    }
  }

  /** 0 when {@code n} is DOWN in the monitor's view, else -1. */
  static long downAfterMillis(Connection c, Node n) throws SQLException {
    for (NodeStats s : c.unwrap(LagwiseConnection.class).stats().nodes()) {
      if (s.host().equals(n.host() + ":" + n.port())) {
        return s.role().equals("DOWN") ? 0 : -1;
      }
    }
    throw new AssertionError(n + " not among the hosts");
  }

  /**
   * The primary stopped: writes fail at once with a connection error (class 08) naming what
   * happened, whether the connection had a vendor connection to it or not.
   */
  @Test
  void writesFailFastWithClass08WhenThePrimaryStops() throws Exception {
    Node primary = cluster.primary();
    try (Connection warm = connect()) {
      write(warm);
      primary.stop();
      try {
        for (int i = 0; i < 5; i++) {
          Connection c = i % 2 == 0 ? warm : connect();
          long start = System.nanoTime();
          // The first write on a vendor connection that was open reads the server's goodbye
          // (57P01: terminating connection due to administrator command), as on PgJDBC alone.
          String expected = i == 0 ? "(08|57P01).*" : "08.*";
          assertThatThrownBy(() -> write(c))
              .isInstanceOf(SQLException.class)
              .hasMessageNotContaining(cluster.password())
              .extracting(e -> ((SQLException) e).getSQLState())
              .asString()
              .matches(expected);
          long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
          System.out.printf(
              java.util.Locale.ROOT,
              "PostgresSuspicionTest: write %d failed after %d ms%n",
              i,
              millis);
          assertThat(millis).isLessThan(2000);
          if (c != warm) {
            c.close();
          }
        }
      } finally {
        primary.start();
        awaitWritable();
      }
    }
  }
}
