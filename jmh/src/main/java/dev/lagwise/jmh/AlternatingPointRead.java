package dev.lagwise.jmh;

import dev.lagwise.LagwiseConnection;
import dev.lagwise.testkit.Node;
import dev.lagwise.testkit.PostgresCluster;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * A point read ({@code SELECT v FROM t WHERE id = ?}, autocommit, one row) through Lagwise and
 * through raw PgJDBC connected to the same replica, alternated statement by statement.
 *
 * <p>Why not only JMH: on 2 cores a loopback round trip is dominated by scheduling (client and
 * server wake each other up), so two JMH runs minutes apart differ by far more than the few percent
 * being measured. Here the servers are pinned to one CPU and this JVM (started under {@code taskset
 * -c 1}) to the other, and every iteration runs one read on each of three connections — raw A, raw
 * B (a second raw connection: the control) and Lagwise — in an order that rotates through all six
 * permutations, so slow phases hit all three alike. Per-call latencies come from {@link
 * System#nanoTime}. Reported per round: medians and p90 of each, the ratio of medians Lagwise / raw
 * A and, as the noise floor, raw B / raw A; also the median of the per-iteration paired ratios. The
 * summary is the median over rounds.
 *
 * <p>Run: {@code taskset -c 1 java -cp jmh/target/benchmarks.jar
 * dev.lagwise.jmh.AlternatingPointRead [iterations per round] [rounds] [warm-up iterations]};
 * {@code -Dlagwise.bench.pin=false} skips pinning the servers.
 */
public final class AlternatingPointRead {

  static final String QUERY = "SELECT v FROM t WHERE id = ?";
  static final int ROWS = 1000;

  private static final int[][] ORDERS = {
    {0, 1, 2}, {1, 2, 0}, {2, 0, 1}, {0, 2, 1}, {2, 1, 0}, {1, 0, 2}
  };

  private AlternatingPointRead() {}

  public static void main(String[] args) throws Exception {
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
    System.out.println("client JVM CPUs: " + cpusAllowed());
    try (PostgresCluster cluster = PostgresCluster.builder().replicas(1).start()) {
      createTable(cluster);
      pinServers(System.getProperty("lagwise.bench.serverCpus", "0"));
      try (Connection lagwise =
              DriverManager.getConnection(
                  cluster.lagwiseUrl(), cluster.user(), cluster.password());
          PreparedStatement pl = lagwise.prepareStatement(QUERY)) {
        read(pl, 1);
        Node replica = nodeOf(cluster, lagwise);
        System.out.println("Lagwise reads from " + replica.name() + " " + replica.jdbcUrl());
        try (Connection rawA = raw(cluster, replica);
            Connection rawB = raw(cluster, replica);
            PreparedStatement pa = rawA.prepareStatement(QUERY);
            PreparedStatement pb = rawB.prepareStatement(QUERY)) {
          PreparedStatement[] ps = {pa, pb, pl};
          long[][] nanos = new long[3][warmup];
          run(ps, nanos, warmup);
          List<double[]> results = new ArrayList<>();
          System.out.println(
              "round  rawA p50/p90 us  rawB p50/p90 us  lagwise p50/p90 us"
                  + "  lagwise/rawA  rawB/rawA  paired lagwise/rawA  paired rawB/rawA");
          nanos = new long[3][iterations];
          for (int r = 1; r <= rounds; r++) {
            run(ps, nanos, iterations);
            double[] res = summarize(nanos);
            results.add(res);
            System.out.println(
                String.format(
                    Locale.ROOT,
                    "%5d  %6.2f / %6.2f  %6.2f / %6.2f  %7.2f / %7.2f  %12.4f  %9.4f  %19.4f  %16.4f",
                    r,
                    res[0],
                    res[1],
                    res[2],
                    res[3],
                    res[4],
                    res[5],
                    res[6],
                    res[7],
                    res[8],
                    res[9]));
          }
          if (!nodeOf(cluster, lagwise).name().equals(replica.name())) {
            throw new IllegalStateException("Lagwise moved to another node during the run");
          }
          printSummary(results, iterations, rounds);
          printClientCost(pa, pl);
        }
      }
    }
  }

  /** One read on each statement per iteration, in a rotating order; latencies into nanos[k][i]. */
  private static void run(PreparedStatement[] ps, long[][] nanos, int iterations)
      throws SQLException {
    long sink = 0;
    for (int i = 0; i < iterations; i++) {
      int[] order = ORDERS[i % ORDERS.length];
      int id = 1 + (i % ROWS);
      for (int k : order) {
        long t0 = System.nanoTime();
        sink += read(ps[k], id);
        nanos[k][i] = System.nanoTime() - t0;
      }
    }
    if (sink == 42) {
      System.out.println();
    }
  }

  /**
   * Heap bytes this thread allocates per read (deterministic, unlike time): the median over 7
   * blocks of 10,000 reads, alternating raw A and Lagwise. Read through the platform MBean server
   * (standard API; the counter lives on {@code com.sun.management.ThreadMXBean}); the two calls per
   * block add well under 0.1 byte per read, the same on both sides.
   */
  private static void printClientCost(PreparedStatement raw, PreparedStatement lagwise)
      throws SQLException, JMException {
    int blocks = 7;
    int n = 10_000;
    double[][] bytes = new double[2][blocks];
    PreparedStatement[] ps = {raw, lagwise};
    for (int b = 0; b < blocks; b++) {
      for (int k = 0; k < 2; k++) {
        long before = allocatedBytes();
        for (int i = 0; i < n; i++) {
          read(ps[k], 1 + (i % ROWS));
        }
        bytes[k][b] = (double) (allocatedBytes() - before) / n;
      }
    }
    Arrays.sort(bytes[0]);
    Arrays.sort(bytes[1]);
    System.out.printf(
        Locale.ROOT,
        "  %-44s %9.1f%n  %-44s %9.1f%n",
        "raw A heap bytes allocated per read",
        bytes[0][blocks / 2],
        "lagwise heap bytes allocated per read",
        bytes[1][blocks / 2]);
  }

  private static long allocatedBytes() throws JMException {
    return (Long)
        ManagementFactory.getPlatformMBeanServer()
            .invoke(
                new ObjectName(ManagementFactory.THREAD_MXBEAN_NAME),
                "getThreadAllocatedBytes",
                new Object[] {Thread.currentThread().getId()},
                new String[] {"long"});
  }

  static int read(PreparedStatement ps, int id) throws SQLException {
    ps.setInt(1, id);
    try (ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        throw new IllegalStateException("no row " + id);
      }
      return rs.getString(1).length();
    }
  }

  /**
   * p50 and p90 (µs) of raw A, raw B, Lagwise; ratio of medians Lagwise/A and B/A; median paired
   * ratios Lagwise/A and B/A.
   */
  private static double[] summarize(long[][] nanos) {
    int n = nanos[0].length;
    double[] pairedL = new double[n];
    double[] pairedB = new double[n];
    for (int i = 0; i < n; i++) {
      pairedL[i] = (double) nanos[2][i] / nanos[0][i];
      pairedB[i] = (double) nanos[1][i] / nanos[0][i];
    }
    long[] a = sorted(nanos[0]);
    long[] b = sorted(nanos[1]);
    long[] l = sorted(nanos[2]);
    Arrays.sort(pairedL);
    Arrays.sort(pairedB);
    return new double[] {
      a[n / 2] / 1e3,
      a[n * 9 / 10] / 1e3,
      b[n / 2] / 1e3,
      b[n * 9 / 10] / 1e3,
      l[n / 2] / 1e3,
      l[n * 9 / 10] / 1e3,
      (double) l[n / 2] / a[n / 2],
      (double) b[n / 2] / a[n / 2],
      pairedL[n / 2],
      pairedB[n / 2]
    };
  }

  private static void printSummary(List<double[]> results, int iterations, int rounds) {
    String[] names = {
      "raw A p50 us",
      "raw A p90 us",
      "raw B p50 us",
      "raw B p90 us",
      "lagwise p50 us",
      "lagwise p90 us",
      "lagwise/rawA (ratio of medians)",
      "rawB/rawA noise floor (ratio of medians)",
      "lagwise/rawA (median paired ratio)",
      "rawB/rawA noise floor (median paired ratio)"
    };
    System.out.printf(
        Locale.ROOT,
        "%nmedian over %d rounds of %d iterations (min .. max over rounds):%n",
        rounds,
        iterations);
    for (int k = 0; k < names.length; k++) {
      double[] v = new double[results.size()];
      for (int r = 0; r < v.length; r++) {
        v[r] = results.get(r)[k];
      }
      Arrays.sort(v);
      System.out.printf(
          Locale.ROOT,
          "  %-44s %9.4f  (%.4f .. %.4f)%n",
          names[k],
          v[v.length / 2],
          v[0],
          v[v.length - 1]);
    }
  }

  private static long[] sorted(long[] v) {
    long[] s = v.clone();
    Arrays.sort(s);
    return s;
  }

  /** Plain PgJDBC to {@code node}, as an application would open it: URL, user, password. */
  static Connection raw(PostgresCluster cluster, Node node) throws SQLException {
    return DriverManager.getConnection(node.jdbcUrl(), cluster.user(), cluster.password());
  }

  /** The testkit node that ran the last statement of {@code c}, by port. */
  static Node nodeOf(PostgresCluster cluster, Connection c) throws SQLException {
    String host = c.unwrap(LagwiseConnection.class).lastNode();
    for (Node n : cluster.nodes()) {
      if (host != null && host.endsWith(":" + n.port())) {
        return n;
      }
    }
    throw new IllegalStateException("no node for " + host);
  }

  /** {@code t(id int primary key, v text)} with {@link #ROWS} rows, replicated. */
  static void createTable(PostgresCluster cluster) throws SQLException {
    try (Connection c = cluster.primary().connect();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id int PRIMARY KEY, v text NOT NULL)");
      s.execute("INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, " + ROWS + ") AS g");
      s.execute("ANALYZE t");
    }
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
  }

  /**
   * Pins every descendant process of this JVM — the PostgreSQL servers testkit started, and through
   * them every backend they fork later (affinity is inherited) — to {@code cpus}, all threads.
   */
  public static void pinServers(String cpus) throws IOException, InterruptedException {
    if (!Boolean.parseBoolean(System.getProperty("lagwise.bench.pin", "true"))) {
      System.out.println("not pinning the servers (lagwise.bench.pin=false)");
      return;
    }
    List<Long> pids = new ArrayList<>();
    ProcessHandle.current().descendants().forEach(p -> pids.add(p.pid()));
    int pinned = 0;
    for (long pid : pids) {
      Process p =
          new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, Long.toString(pid))
              .redirectErrorStream(true)
              .start();
      try (InputStream in = p.getInputStream()) {
        in.readAllBytes();
      }
      if (p.waitFor() == 0) {
        pinned++;
      }
    }
    System.out.println(
        "pinned " + pinned + " of " + pids.size() + " server processes to CPU " + cpus);
  }

  /** This process's CPU list from /proc, for the record. */
  static String cpusAllowed() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
        if (line.startsWith("Cpus_allowed_list:")) {
          return line.substring(line.indexOf(':') + 1).strip();
        }
      }
    } catch (IOException e) {
      return "unknown (" + e.getMessage() + ")";
    }
    return "unknown";
  }
}
