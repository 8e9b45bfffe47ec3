package dev.lagwise.jmh;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.lagwise.LagwiseConnection;
import dev.lagwise.testkit.PostgresCluster;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Replica offload under each consistency scope with a web-like mix through a HikariCP pool: 2
 * "POST" threads (insert a row on one pooled connection, then read it back at once on another,
 * counting misses as violations) and 6 "GET" threads (read a random recent row, 2 ms think time),
 * 10 s per scope, one cluster of a primary and 2 replicas.
 *
 * <p>Run: {@code java -cp jmh/target/benchmarks.jar dev.lagwise.jmh.ScopeOffload [seconds]}.
 */
public final class ScopeOffload {

  private ScopeOffload() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    try (PostgresCluster cluster = PostgresCluster.builder().replicas(2).start()) {
      try (Connection c = cluster.primary().connect();
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE so_items (id bigserial PRIMARY KEY, v bigint)");
        s.execute("INSERT INTO so_items (v) SELECT g FROM generate_series(1, 1000) g");
      }
      cluster.awaitReplicasCaughtUp(java.time.Duration.ofSeconds(30));
      System.out.println(
          "scope     reads(all)  on_replicas  GET_on_replicas  POST_readback_on_replicas  violations");
      for (String scope : new String[] {"causal", "session", "none"}) {
        run(cluster, scope, seconds);
      }
    }
  }

  static void run(PostgresCluster cluster, String scope, int seconds) throws Exception {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(cluster.lagwiseUrl() + "?lagwise.consistency=" + scope);
    config.setUsername(cluster.user());
    config.setPassword(cluster.password());
    config.setMaximumPoolSize(10);
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong maxId = new AtomicLong(1000);
    long[] getReads = new long[2];
    long[] postReads = new long[3];
    try (HikariDataSource pool = new HikariDataSource(config)) {
      Thread[] threads = new Thread[8];
      for (int t = 0; t < threads.length; t++) {
        boolean writer = t < 2;
        threads[t] =
            new Thread(
                () -> {
                  try {
                    while (running.get()) {
                      if (writer) {
                        post(pool, maxId, postReads, cluster.primary().port());
                      } else {
                        get(pool, maxId, getReads, cluster.primary().port());
                        Thread.sleep(2);
                      }
                    }
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                });
        threads[t].start();
      }
      Thread.sleep(seconds * 1000L);
      running.set(false);
      for (Thread t : threads) {
        t.join();
      }
    }
    long all = getReads[0] + postReads[0];
    long replicas = getReads[1] + postReads[1];
    System.out.printf(
        Locale.ROOT,
        "%-8s  %10d  %10.1f%%  %14.1f%%  %24.1f%%  %10d%n",
        scope,
        all,
        100.0 * replicas / all,
        100.0 * getReads[1] / getReads[0],
        100.0 * postReads[1] / postReads[0],
        postReads[2]);
  }

  /** counts: [reads, reads on replicas, violations]. */
  static void post(HikariDataSource pool, AtomicLong maxId, long[] counts, int primaryPort)
      throws SQLException {
    try (Connection write = pool.getConnection();
        Connection read = pool.getConnection()) {
      long id;
      try (PreparedStatement ps =
              write.prepareStatement("INSERT INTO so_items (v) VALUES (1) RETURNING id");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        id = rs.getLong(1);
      }
      maxId.accumulateAndGet(id, Math::max);
      boolean seen;
      try (PreparedStatement ps = read.prepareStatement("SELECT v FROM so_items WHERE id = ?")) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          seen = rs.next();
        }
      }
      boolean replica =
          !read.unwrap(LagwiseConnection.class).lastNode().endsWith(":" + primaryPort);
      synchronized (counts) {
        counts[0]++;
        counts[1] += replica ? 1 : 0;
        counts[2] += seen ? 0 : 1;
      }
    }
  }

  static void get(HikariDataSource pool, AtomicLong maxId, long[] counts, int primaryPort)
      throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT v FROM so_items WHERE id = ?")) {
      ps.setLong(1, 1 + ThreadLocalRandom.current().nextLong(maxId.get()));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
      }
      boolean replica = !c.unwrap(LagwiseConnection.class).lastNode().endsWith(":" + primaryPort);
      synchronized (counts) {
        counts[0]++;
        counts[1] += replica ? 1 : 0;
      }
    }
  }
}
