package dev.lagwise.jmh;

import dev.lagwise.LagwiseConnection;
import dev.lagwise.NodeStats;
import dev.lagwise.testkit.PostgresCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The monitor's probe load at a steady write load, and what it buys: probes per second on each host
 * (the monitor's own count, {@link NodeStats#probes()}) and the share of reads made 5 ms after the
 * session's write that a replica served. One testkit PostgreSQL cluster of a primary and 2
 * replicas; each scenario runs {@code seconds} on fresh Lagwise connections of one JVM:
 *
 * <ul>
 *   <li>{@code idle}: one open connection, no statement;
 *   <li>{@code insert-only}: one connection inserting as fast as it can (how issue 10 measured ~700
 *       probes/s per replica);
 *   <li>{@code raw-5ms}: {@code writers} connections, each: insert a row, wait until 5 ms after the
 *       insert returned, read the row back (a miss is a violation), under {@code
 *       lagwise.consistency} {@code causal} (default) or {@code session}; {@code raw-5ms+10}: the
 *       same with 10 ms of think time after each read (fewer writes per second per session).
 * </ul>
 *
 * <p>Not a JMH benchmark: it counts, it does not time code. Run: {@code java -cp
 * jmh/target/benchmarks.jar dev.lagwise.jmh.ProbeBudget [seconds [scenario:writers:consistency
 * ...]]}, e.g. {@code 10 raw-5ms:8:session raw-5ms:1:causal:10} (the last field: think time in ms).
 */
public final class ProbeBudget {

  private ProbeBudget() {}

  static final long PAUSE_NANOS = 5_000_000L;

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    try (PostgresCluster cluster = PostgresCluster.builder().replicas(2).start()) {
      try (Connection c = cluster.primary().connect();
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE pb_items (id bigserial PRIMARY KEY, v bigint)");
      }
      cluster.awaitReplicasCaughtUp(java.time.Duration.ofSeconds(30));
      System.out.println(
          "scenario                 consistency  writes/s  reads  replica_share  violations"
              + "  probes/s primary  replica  replica  max/node");
      String[] scenarios =
          args.length > 1
              ? java.util.Arrays.copyOfRange(args, 1, args.length)
              : new String[] {
                "idle:0:causal",
                "insert-only:1:causal",
                "raw-5ms:1:causal",
                "raw-5ms:1:session",
                "raw-5ms:8:session",
                "raw-5ms:8:causal",
                "raw-5ms:1:causal:10",
                "raw-5ms:8:session:10"
              };
      for (String sc : scenarios) {
        String[] p = sc.split(":");
        run(
            cluster,
            p[0],
            Integer.parseInt(p[1]),
            p[2],
            p.length > 3 ? Integer.parseInt(p[3]) : 0,
            p[0].equals("idle") ? Math.min(seconds, 5) : seconds);
      }
    }
  }

  static void run(
      PostgresCluster cluster, String scenario, int writers, String scope, int thinkMs, int seconds)
      throws Exception {
    String url = cluster.lagwiseUrl() + "?lagwise.consistency=" + scope;
    Connection[] cs = new Connection[Math.max(1, writers)];
    for (int i = 0; i < cs.length; i++) {
      cs[i] = DriverManager.getConnection(url, cluster.user(), cluster.password());
    }
    LagwiseConnection lw = cs[0].unwrap(LagwiseConnection.class);
    String primaryPort = ":" + cluster.primary().port();
    // Counts: writes, reads, reads on replicas, violations.
    long[] counts = new long[4];
    AtomicBoolean running = new AtomicBoolean(true);
    Thread[] threads = new Thread[writers];
    long[] before = probes(lw);
    long start = System.nanoTime();
    for (int t = 0; t < writers; t++) {
      Connection c = cs[t];
      boolean readBack = scenario.equals("raw-5ms");
      threads[t] =
          new Thread(
              () -> {
                try {
                  while (running.get()) {
                    writeThenRead(c, readBack, primaryPort, counts);
                    if (thinkMs > 0) {
                      Thread.sleep(thinkMs);
                    }
                  }
                } catch (SQLException | InterruptedException e) {
                  throw new IllegalStateException(e);
                }
              },
              "writer-" + t);
      threads[t].start();
    }
    Thread.sleep(seconds * 1000L);
    running.set(false);
    for (Thread t : threads) {
      t.join();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    long[] after = probes(lw);
    List<NodeStats> nodes = lw.stats().nodes();
    StringBuilder perNode = new StringBuilder();
    double max = 0;
    // Primary first, then the replicas in URL order.
    for (String role : new String[] {"PRIMARY", "REPLICA"}) {
      for (int i = 0; i < nodes.size(); i++) {
        if (nodes.get(i).role().equals(role)) {
          double rate = (after[i] - before[i]) / elapsed;
          max = Math.max(max, rate);
          perNode.append(String.format(Locale.ROOT, "  %7.1f", rate));
        }
      }
    }
    for (Connection c : cs) {
      c.close();
    }
    System.out.printf(
        Locale.ROOT,
        "%-15s x%d  %-11s  %8.0f  %5d  %12.1f%%  %10d%s  %8.1f%n",
        thinkMs > 0 ? scenario + "+" + thinkMs : scenario,
        writers,
        scope,
        counts[0] / elapsed,
        counts[1],
        counts[1] == 0 ? 0.0 : 100.0 * counts[2] / counts[1],
        counts[3],
        perNode,
        max);
  }

  static void writeThenRead(Connection c, boolean readBack, String primaryPort, long[] counts)
      throws SQLException {
    long id;
    try (PreparedStatement ps =
            c.prepareStatement("INSERT INTO pb_items (v) VALUES (1) RETURNING id");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      id = rs.getLong(1);
    }
    if (!readBack) {
      synchronized (counts) {
        counts[0]++;
      }
      return;
    }
    long readAt = System.nanoTime() + PAUSE_NANOS;
    for (long left = PAUSE_NANOS; left > 0; left = readAt - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
    boolean seen;
    try (PreparedStatement ps = c.prepareStatement("SELECT v FROM pb_items WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        seen = rs.next();
      }
    }
    boolean replica = !c.unwrap(LagwiseConnection.class).lastNode().endsWith(primaryPort);
    synchronized (counts) {
      counts[0]++;
      counts[1]++;
      counts[2] += replica ? 1 : 0;
      counts[3] += seen ? 0 : 1;
    }
  }

  static long[] probes(LagwiseConnection c) throws SQLException {
    List<NodeStats> nodes = c.stats().nodes();
    long[] p = new long[nodes.size()];
    for (int i = 0; i < p.length; i++) {
      p[i] = nodes.get(i).probes();
    }
    return p;
  }
}
