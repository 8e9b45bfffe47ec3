package dev.lagwise.jmh;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.lagwise.ConsistencyContext;
import dev.lagwise.ConsistencyToken;
import dev.lagwise.LagwiseConnection;
import dev.lagwise.testkit.PostgresCluster;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Replica offload of a web application's users under each scope, the request scope beside {@code
 * causal}, {@code session} and {@code none}: 8 threads, each serving one user after another through
 * a HikariCP pool of 10. A user POSTs (inserts a row), follows the redirect (reads the row back on
 * another pooled connection while the POST's is still held, as another server thread would), then
 * makes {@value #PAGES} more GETs of the row, 2 ms apart, each on a connection borrowed for that
 * request. Every other user's POSTs are the continuous writes. A GET that does not see its user's
 * row is a violation.
 *
 * <p>{@code request}: the URL keeps the default {@code causal}; each HTTP request runs in {@code
 * ConsistencyContext.openRequest(cookie)} and the user's "cookie" is the previous request's {@code
 * token()} — what the starter's filter does. The other scopes carry nothing between requests.
 *
 * <p>{@code request+wait}: the same with {@code waitForReplica=10ms}, so a read right after the
 * user's own write waits for a replica to replay it instead of going to the primary.
 *
 * <p>Run: {@code java -cp jmh/target/benchmarks.jar dev.lagwise.jmh.WebOffload [seconds]
 * [scope,...]}.
 */
public final class WebOffload {

  static final int USERS_IN_PARALLEL = 8;
  static final int PAGES = 8;

  /**
   * Between the POST and the redirect's GET: 0 by default (the worst case: the GET on another
   * pooled connection at once); {@code -Dlagwise.redirectMillis=1} models the browser's round trip
   * that a 302 costs.
   */
  static final long REDIRECT_MILLIS = Long.getLong("lagwise.redirectMillis", 0);

  private WebOffload() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    try (PostgresCluster cluster = PostgresCluster.builder().replicas(2).start()) {
      try (Connection c = cluster.primary().connect();
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE wo_items (id bigserial PRIMARY KEY, v bigint)");
      }
      cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
      System.out.println(
          "scope         users  reads(all)  on_replicas  redirect_GET_on_replicas  later_GETs_on_replicas"
              + "  violations");
      String scopes = args.length > 1 ? args[1] : "request,request+wait,causal,session,none";
      for (String scope : scopes.split(",")) {
        run(cluster, scope, seconds);
      }
    }
  }

  /** counts: [users, redirect reads, on replicas, later reads, on replicas, violations]. */
  static void run(PostgresCluster cluster, String scope, int seconds) throws Exception {
    boolean request = scope.startsWith("request");
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(
        cluster.lagwiseUrl()
            + "?lagwise.consistency="
            + (request ? "causal" : scope)
            + (scope.endsWith("+wait") ? "&lagwise.waitForReplica=10ms" : ""));
    config.setUsername(cluster.user());
    config.setPassword(cluster.password());
    config.setMaximumPoolSize(10);
    AtomicBoolean running = new AtomicBoolean(true);
    long[] counts = new long[6];
    int primaryPort = cluster.primary().port();
    try (HikariDataSource pool = new HikariDataSource(config)) {
      Thread[] threads = new Thread[USERS_IN_PARALLEL];
      for (int t = 0; t < threads.length; t++) {
        threads[t] =
            new Thread(
                () -> {
                  try {
                    while (running.get()) {
                      user(pool, request, counts, primaryPort);
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
    long reads = counts[1] + counts[3];
    System.out.printf(
        Locale.ROOT,
        "%-12s  %5d  %10d  %10.1f%%  %23.1f%%  %21.1f%%  %10d%n",
        scope,
        counts[0],
        reads,
        100.0 * (counts[2] + counts[4]) / reads,
        100.0 * counts[2] / counts[1],
        100.0 * counts[4] / counts[3],
        counts[5]);
  }

  static void user(HikariDataSource pool, boolean request, long[] counts, int primaryPort)
      throws Exception {
    ConsistencyToken cookie;
    long id;
    boolean seen;
    boolean replica;
    try (Connection write = pool.getConnection()) {
      try (ConsistencyContext post = request ? ConsistencyContext.openRequest(null) : null;
          PreparedStatement ps =
              write.prepareStatement("INSERT INTO wo_items (v) VALUES (1) RETURNING id");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        id = rs.getLong(1);
        cookie = post == null ? null : post.token();
      }
      if (REDIRECT_MILLIS > 0) {
        Thread.sleep(REDIRECT_MILLIS);
      }
      try (ConsistencyContext get = request ? ConsistencyContext.openRequest(cookie) : null;
          Connection read = pool.getConnection()) {
        seen = find(read, id);
        replica = onReplica(read, primaryPort);
        cookie = get == null ? null : get.token();
      }
    }
    synchronized (counts) {
      counts[0]++;
      counts[1]++;
      counts[2] += replica ? 1 : 0;
      counts[5] += seen ? 0 : 1;
    }
    for (int page = 0; page < PAGES; page++) {
      Thread.sleep(2);
      try (ConsistencyContext get = request ? ConsistencyContext.openRequest(cookie) : null;
          Connection read = pool.getConnection()) {
        seen = find(read, id);
        replica = onReplica(read, primaryPort);
        cookie = get == null ? null : get.token();
      }
      synchronized (counts) {
        counts[3]++;
        counts[4] += replica ? 1 : 0;
        counts[5] += seen ? 0 : 1;
      }
    }
  }

  static boolean find(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT v FROM wo_items WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  static boolean onReplica(Connection c, int primaryPort) throws SQLException {
    return !c.unwrap(LagwiseConnection.class).lastNode().endsWith(":" + primaryPort);
  }
}
