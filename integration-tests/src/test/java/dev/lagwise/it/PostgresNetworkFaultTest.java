package dev.lagwise.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lagwise.LagwiseConnection;
import dev.lagwise.NodeStats;
import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Node;
import dev.lagwise.testkit.ReplicatedCluster;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.netcrusher.core.reactor.NioReactor;
import org.netcrusher.core.throttle.Throttler;
import org.netcrusher.tcp.TcpCrusher;
import org.netcrusher.tcp.TcpCrusherBuilder;

/**
 * Network faults between the driver and the servers, made by a real TCP proxy (NetCrusher) in front
 * of each node of a testkit PostgreSQL cluster: added latency, a frozen connection (accepted, no
 * byte flows), connections silently dropped, everything unreachable. The Lagwise URL names the
 * proxies, so the application's connections and the monitor's probes both cross them. Each test
 * gets its own proxies (new ports: a new cluster in the driver's registry, with a fresh monitor).
 */
@ReplicatedCluster(replicas = 2)
class PostgresNetworkFaultTest {

  /** Seconds / milliseconds: PgJDBC's timeouts are whole seconds. */
  static final int SOCKET_TIMEOUT_S = 3;

  static final long PROBE_TIMEOUT_MS = 2000;
  static final long POLL_MS = 100;

  static final String PARAMS =
      "?socketTimeout="
          + SOCKET_TIMEOUT_S
          + "&connectTimeout="
          + SOCKET_TIMEOUT_S
          + "&lagwise.pollInterval="
          + POLL_MS
          + "ms&lagwise.probeTimeout="
          + PROBE_TIMEOUT_MS
          + "ms";

  static Cluster cluster;

  NioReactor reactor;

  /** One per node, in {@code cluster.nodes()} order. */
  final List<TcpCrusher> proxies = new ArrayList<>();

  final List<Delay> delays = new ArrayList<>();

  final List<Connection> opened = new ArrayList<>();

  @BeforeAll
  static void setUp(Cluster c) throws SQLException {
    cluster = c;
    try (Connection p = c.primary().connect();
        Statement s = p.createStatement()) {
      s.execute("DROP TABLE IF EXISTS nft_items");
      s.execute("CREATE TABLE nft_items (id serial PRIMARY KEY, v int)");
    }
    c.awaitReplicasCaughtUp(Duration.ofSeconds(30));
  }

  @BeforeEach
  void startProxies() throws IOException {
    reactor = new NioReactor(1);
    for (Node n : cluster.nodes()) {
      Delay d = new Delay();
      TcpCrusher crusher =
          TcpCrusherBuilder.builder()
              .withReactor(reactor)
              .withBindAddress("127.0.0.1", freePort())
              .withConnectAddress(n.host(), n.port())
              .withIncomingThrottlerFactory(a -> d)
              .withOutgoingThrottlerFactory(a -> d)
              .buildAndOpen();
      proxies.add(crusher);
      delays.add(d);
    }
  }

  @AfterEach
  void stopProxies() {
    for (Connection c : opened) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // A connection a fault broke.
      }
    }
    for (TcpCrusher p : proxies) {
      if (p.isOpen()) {
        p.close();
      }
    }
    reactor.close();
  }

  /** A delay for every chunk crossing one proxy, either way; switched on and off by tests. */
  static final class Delay implements Throttler {
    volatile long nanos;

    @Override
    public long calculateDelayNs(java.nio.ByteBuffer bb) {
      return nanos;
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  Connection connect() throws SQLException {
    StringBuilder hosts = new StringBuilder();
    for (TcpCrusher p : proxies) {
      InetSocketAddress a = p.getBindAddress();
      hosts.append(hosts.length() == 0 ? "" : ",").append("127.0.0.1:").append(a.getPort());
    }
    Connection c =
        DriverManager.getConnection(
            "jdbc:lagwise:postgresql://" + hosts + "/" + cluster.database() + PARAMS,
            cluster.user(),
            cluster.password());
    opened.add(c);
    return c;
  }

  /** The proxy's {@code host:port} of node {@code i}, as Lagwise names it. */
  String proxyName(int i) {
    return "127.0.0.1:" + proxies.get(i).getBindAddress().getPort();
  }

  int primaryIndex() {
    return cluster.nodes().indexOf(cluster.primary());
  }

  int indexOf(String proxyName) {
    for (int i = 0; i < proxies.size(); i++) {
      if (proxyName(i).equals(proxyName)) {
        return i;
      }
    }
    throw new AssertionError(proxyName + " is no proxy");
  }

  static String read(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM nft_items")) {
      rs.next();
    }
    return c.unwrap(LagwiseConnection.class).lastNode();
  }

  /** A connection whose reads go to the replica behind proxy {@code index}. */
  Connection onReplica(int index) throws SQLException {
    for (int i = 0; i < 8; i++) {
      Connection c = connect();
      if (read(c).equals(proxyName(index))) {
        return c;
      }
    }
    throw new AssertionError("no connection reads on " + proxyName(index));
  }

  int replicaIndex(int k) {
    return cluster.nodes().indexOf(cluster.replicas().get(k));
  }

  String role(Connection c, int index) throws SQLException {
    for (NodeStats n : c.unwrap(LagwiseConnection.class).stats().nodes()) {
      if (n.host().equals(proxyName(index))) {
        return n.role();
      }
    }
    throw new AssertionError("no stats for " + proxyName(index));
  }

  @Test
  void latencyOnAReplicaSlowsNothingPastTheSocketTimeout() throws Exception {
    int slow = replicaIndex(0);
    try (Connection warm = connect()) {
      read(warm);
    }
    delays.get(slow).nanos = TimeUnit.MILLISECONDS.toNanos(100);
    long worstFirst = 0;
    long worst = 0;
    int onSlow = 0;
    for (int k = 0; k < 4; k++) {
      Connection c = connect();
      for (int i = 0; i < 5; i++) {
        long start = System.nanoTime();
        String node = read(c);
        long took = System.nanoTime() - start;
        // The first read opens the vendor connection: a handful of round trips.
        if (i == 0) {
          worstFirst = Math.max(worstFirst, took);
        } else {
          worst = Math.max(worst, took);
        }
        onSlow += node.equals(proxyName(slow)) ? 1 : 0;
      }
    }
    assertThat(Duration.ofNanos(worst))
        .as("every read answered, none waited past socketTimeout")
        .isLessThan(Duration.ofSeconds(SOCKET_TIMEOUT_S));
    assertThat(Duration.ofNanos(worstFirst))
        .as("a read that connects first: connectTimeout + socketTimeout at most")
        .isLessThan(Duration.ofSeconds(2 * SOCKET_TIMEOUT_S));
    // 100 ms each way is slow, not dead: it stays a replica and serves reads.
    assertThat(onSlow).isPositive();
  }

  @Test
  void aFrozenReplicaCostsItsReadsOneSocketTimeoutAndNobodyElseAnything() throws Exception {
    int frozen = replicaIndex(0);
    int healthy = replicaIndex(1);
    Connection victim = onReplica(frozen);
    Connection other = onReplica(healthy);
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong otherWorst = new AtomicLong();
    AtomicLong otherFailures = new AtomicLong();
    Thread bystander =
        new Thread(
            () -> {
              while (running.get()) {
                long start = System.nanoTime();
                try {
                  read(other);
                } catch (SQLException e) {
                  otherFailures.incrementAndGet();
                }
                otherWorst.accumulateAndGet(System.nanoTime() - start, Math::max);
              }
            },
            "bystander");
    bystander.start();
    try {
      Thread.sleep(200);
      long frozenAt = System.nanoTime();
      proxies.get(frozen).freeze();
      long start = System.nanoTime();
      String node = read(victim);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(node).as("retried on another node").isNotEqualTo(proxyName(frozen));
      // One socket timeout on the frozen host, then the retry, itself bounded by its own connect
      // and
      // socket timeouts (it may open a vendor connection): ~3.1 s idle, 6.4 s seen at load 30.
      assertThat(took)
          .as("one socket timeout, then the retry")
          .isGreaterThanOrEqualTo(Duration.ofSeconds(SOCKET_TIMEOUT_S).minusMillis(100))
          .isLessThan(Duration.ofSeconds(3 * SOCKET_TIMEOUT_S));
      // The monitor's probe connection is frozen too: DOWN within probeTimeout (+ a poll).
      long deadline = frozenAt + TimeUnit.SECONDS.toNanos(10);
      while (!role(other, frozen).equals("DOWN") && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      Duration downAfter = Duration.ofNanos(System.nanoTime() - frozenAt);
      assertThat(role(other, frozen)).isEqualTo("DOWN");
      assertThat(downAfter).isLessThan(Duration.ofMillis(PROBE_TIMEOUT_MS + POLL_MS + 1500));
      // New connections do not touch it.
      try (Connection fresh = connect()) {
        for (int i = 0; i < 4; i++) {
          assertThat(read(fresh)).isNotEqualTo(proxyName(frozen));
        }
      }
    } finally {
      running.set(false);
      bystander.join();
      proxies.get(frozen).unfreeze();
    }
    assertThat(otherFailures.get()).isZero();
    // Waiting for the monitor would cost probeTimeout, for the frozen host socketTimeout; the
    // bound leaves room for a loaded machine (~10 ms when idle, up to 0.7 s seen at load 30).
    assertThat(Duration.ofNanos(otherWorst.get()))
        .as("the other replica's reads never waited for the monitor or the frozen host")
        .isLessThan(Duration.ofMillis(PROBE_TIMEOUT_MS / 2));
  }

  @Test
  void aDroppedConnectionRetriesAnAutocommitReadButNeverATransaction() throws Exception {
    int r = replicaIndex(0);
    Connection c = onReplica(r);
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    try {
      timer.schedule(() -> proxies.get(r).closeAllPairs(), 300, TimeUnit.MILLISECONDS);
      String node;
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT pg_sleep(1), count(*) FROM nft_items")) {
        assertThat(rs.next()).isTrue();
        node = c.unwrap(LagwiseConnection.class).lastNode();
      }
      assertThat(node)
          .as("the in-flight autocommit read ran again elsewhere")
          .isNotEqualTo(proxyName(r));

      // In a transaction nothing is retried: the application gets the error.
      Connection t = connect();
      t.setAutoCommit(false);
      t.setReadOnly(true);
      String txNode = read(t);
      int ti = indexOf(txNode);
      timer.schedule(() -> proxies.get(ti).closeAllPairs(), 300, TimeUnit.MILLISECONDS);
      assertThatThrownBy(
              () -> {
                try (Statement s = t.createStatement();
                    ResultSet rs = s.executeQuery("SELECT pg_sleep(1)")) {
                  rs.next();
                }
              })
          .isInstanceOf(SQLException.class)
          .extracting(e -> ((SQLException) e).getSQLState())
          .asString()
          .startsWith("08");
    } finally {
      timer.shutdownNow();
    }
  }

  @Test
  void aPrimaryFrozenDuringCommitReportsTheOutcomeAsUnknown() throws Exception {
    int p = primaryIndex();
    Connection c = connect();
    c.setAutoCommit(false);
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO nft_items (v) VALUES (7)")) {
      ps.executeUpdate();
    }
    proxies.get(p).freeze();
    try {
      long start = System.nanoTime();
      assertThatThrownBy(c::commit)
          .isInstanceOf(SQLException.class)
          .hasMessageContaining(proxyName(p))
          .hasMessageContaining("unknown")
          .extracting(e -> ((SQLException) e).getSQLState())
          .isEqualTo("08007");
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isLessThan(Duration.ofMillis(SOCKET_TIMEOUT_S * 1000L + 1500));
      assertThat(c.isClosed()).as("its connection is gone, as PgJDBC's would be").isTrue();
    } finally {
      proxies.get(p).unfreeze();
    }
  }

  @Test
  void everythingUnreachableGivesOneErrorNamingEachHostAndWhy() throws Exception {
    Connection c = connect();
    read(c);
    for (TcpCrusher p : proxies) {
      p.close();
    }
    assertThatThrownBy(
            () -> {
              for (int i = 0; i < 3; i++) {
                read(c);
              }
            })
        .isInstanceOf(SQLException.class)
        .satisfies(
            e -> {
              for (int i = 0; i < proxies.size(); i++) {
                assertThat(e.getMessage()).contains(proxyName(i));
              }
            })
        .extracting(e -> ((SQLException) e).getSQLState())
        .asString()
        .startsWith("08");
    assertThatThrownBy(this::connect)
        .isInstanceOf(SQLException.class)
        .satisfies(
            e -> {
              for (int i = 0; i < proxies.size(); i++) {
                assertThat(e.getMessage()).contains(proxyName(i));
              }
              if (!cluster.password().isEmpty()) {
                assertThat(e.getMessage()).doesNotContain(cluster.password());
              }
            })
        .extracting(e -> ((SQLException) e).getSQLState())
        .asString()
        .startsWith("08");
  }
}
