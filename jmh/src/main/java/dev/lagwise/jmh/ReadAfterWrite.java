package dev.lagwise.jmh;

import dev.lagwise.LagwiseConnection;
import dev.lagwise.testkit.Node;
import dev.lagwise.testkit.PostgresCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Locale;

/**
 * How much read-after-write traffic replicas can take under read-your-writes: the fraction of reads
 * that a replica serves when a session reads its own row {@code pause} ms after writing it (default
 * settings: causal scope, exact capture, no waitForReplica), for pauses of 0, 1, 5, 20 and 100 ms;
 * plus how long a commit takes to become visible on a replica over loopback (a direct PgJDBC
 * connection polling for the row). Every read is also checked: a read that misses its own row is a
 * violation. Not a JMH benchmark: it counts, it does not time code.
 *
 * <p>Run: {@code java -cp jmh/target/benchmarks.jar dev.lagwise.jmh.ReadAfterWrite [pairs per
 * pause] [exact|observed]}.
 */
public final class ReadAfterWrite {

  private ReadAfterWrite() {}

  public static void main(String[] args) throws Exception {
    int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 400;
    String capture = args.length > 1 ? args[1] : "exact";
    try (PostgresCluster cluster = PostgresCluster.builder().replicas(2).start()) {
      try (Connection c = cluster.primary().connect();
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE raw_items (id bigserial PRIMARY KEY, v bigint)");
      }
      cluster.awaitReplicasCaughtUp(java.time.Duration.ofSeconds(30));
      System.out.println("visibility of a commit on a replica over loopback (direct PgJDBC):");
      System.out.println("  " + visibility(cluster, Math.max(200, pairs)));
      System.out.println();
      System.out.println("capture=" + capture);
      System.out.println("pause_ms  reads  replica_reads  replica_share  violations");
      try (Connection c =
          DriverManager.getConnection(
              cluster.lagwiseUrl() + "?lagwise.capture=" + capture,
              cluster.user(),
              cluster.password())) {
        LagwiseConnection lw = c.unwrap(LagwiseConnection.class);
        for (int pause : new int[] {0, 1, 5, 20, 100}) {
          int n = pause >= 100 ? Math.max(50, pairs / 4) : pairs;
          int replica = 0;
          int violations = 0;
          for (int i = 0; i < n; i++) {
            long id = insert(c);
            if (pause > 0) {
              Thread.sleep(pause);
            }
            if (!sees(c, id)) {
              violations++;
            }
            if (!lw.lastNode().endsWith(":" + cluster.primary().port())) {
              replica++;
            }
          }
          System.out.printf(
              Locale.ROOT,
              "%8d  %5d  %13d  %12.1f%%  %10d%n",
              pause,
              n,
              replica,
              100.0 * replica / n,
              violations);
        }
      }
    }
  }

  static long insert(Connection c) throws SQLException {
    try (PreparedStatement ps =
            c.prepareStatement("INSERT INTO raw_items (v) VALUES (1) RETURNING id");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static boolean sees(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT v FROM raw_items WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** Median and p90 of the time from commit on the primary to the row being read on a replica. */
  static String visibility(PostgresCluster cluster, int samples) throws SQLException {
    Node replica = cluster.replicas().get(0);
    long[] micros = new long[samples];
    try (Connection p = cluster.primary().connect();
        Connection r = replica.connect();
        PreparedStatement read = r.prepareStatement("SELECT 1 FROM raw_items WHERE id = ?")) {
      for (int i = 0; i < samples; i++) {
        long id = insert(p);
        long start = System.nanoTime();
        read.setLong(1, id);
        while (true) {
          try (ResultSet rs = read.executeQuery()) {
            if (rs.next()) {
              break;
            }
          }
        }
        micros[i] = (System.nanoTime() - start) / 1000;
      }
    }
    Arrays.sort(micros);
    return String.format(
        Locale.ROOT,
        "p50 %d us, p90 %d us, max %d us (%d commits)",
        micros[samples / 2],
        micros[samples * 9 / 10],
        micros[samples - 1],
        samples);
  }
}
