package dev.lagwise.jdbc;

import dev.lagwise.ConsistencyContext;
import dev.lagwise.jmh.AlternatingPointRead;
import dev.lagwise.routing.Classification;
import dev.lagwise.testkit.PostgresCluster;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-statement routing decision for a statement whose classification is cached: {@code
 * Router.route(classify(sql))} and the bookkeeping after it succeeded ({@code Router.executed()}:
 * counting, the session's read positions), exactly what {@code Exchange} does around every
 * execution, on an autocommit connection to a real 1 primary + 1 replica cluster (so the replica is
 * usable in the monitor's snapshot and reads really take the replica branch).
 *
 * <p>In this package to reach the package-private {@link LogicalConnection}. Baselines in the same
 * run: a {@link ConcurrentHashMap#get} of the same string (the floor for any cached lookup) and
 * {@link System#nanoTime} (which the replica branch calls to check the snapshot's freshness).
 * Target: 0 B/op and under 50 ns/op. Run: {@code java -jar jmh/target/benchmarks.jar
 * RoutingDecisionBenchmark -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RoutingDecisionBenchmark {

  /** Realistic statements: a read, a write, and a read with each hint. */
  @Param({"read", "write", "hintReplica", "hintPrimary"})
  String statement;

  /** No unit of work bound, or a request scope (what the Spring Boot starter binds per request). */
  @Param({"none", "request"})
  String context;

  private ConsistencyContext bound;

  private PostgresCluster cluster;
  private Connection connection;
  private LogicalConnection logical;
  private String sql;
  private ConcurrentHashMap<String, Classification> map;

  @Setup(Level.Trial)
  public void setUp() throws SQLException, IOException, InterruptedException {
    cluster = PostgresCluster.builder().replicas(1).start();
    // Off this JVM's CPU (run it under taskset -c 1): the monitor's probes wake them up.
    AlternatingPointRead.pinServers(System.getProperty("lagwise.bench.serverCpus", "0"));
    connection =
        DriverManager.getConnection(cluster.lagwiseUrl(), cluster.user(), cluster.password());
    logical = connection.unwrap(LogicalConnection.class);
    // Thread-scoped state: set up on the benchmark's own thread, where the context is bound.
    bound = context.equals("request") ? ConsistencyContext.openRequest(null) : null;
    // The same instance everywhere, as a prepared statement holds the string it was prepared with.
    sql = sqlFor(statement);
    map = new ConcurrentHashMap<>();
    for (String other : new String[] {"read", "write", "hintReplica", "hintPrimary"}) {
      map.put(sqlFor(other), logical.classify(sqlFor(other)));
    }
    int primary = cluster.primary().port();
    int node = logical.router.route(logical.classify(sql));
    logical.router.executed();
    boolean onPrimary = logical.cluster.hostNames.get(node).endsWith(":" + primary);
    boolean toPrimary = statement.equals("write") || statement.equals("hintPrimary");
    if (onPrimary != toPrimary) {
      throw new IllegalStateException(
          statement
              + " routed to "
              + logical.cluster.hostNames.get(node)
              + "; primary :"
              + primary);
    }
  }

  static String sqlFor(String statement) {
    switch (statement) {
      case "read":
        return "SELECT id, customer_id, total_cents, created_at FROM orders WHERE id = ?";
      case "write":
        return "UPDATE orders SET status = ?, updated_at = now() WHERE id = ?";
      case "hintReplica":
        return "/*lagwise:replica*/ SELECT count(*) FROM orders WHERE customer_id = ?";
      case "hintPrimary":
        return "/*lagwise:primary*/ SELECT status FROM orders WHERE id = ? ";
      default:
        throw new IllegalArgumentException(statement);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws SQLException {
    if (bound != null) {
      bound.close();
    }
    if (connection != null) {
      connection.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  /** The decision alone, as measured before the Router existed: {@code Router.route}. */
  @Benchmark
  public int routeOnly() throws SQLException {
    return logical.router.route(logical.classify(sql));
  }

  @Benchmark
  public int route() throws SQLException {
    int node = logical.router.route(logical.classify(sql));
    logical.router.executed();
    return node;
  }

  /** The classification lookup alone: {@code SqlClassifier}'s cache hit. */
  @Benchmark
  public Classification classifyCached() {
    return logical.classify(sql);
  }

  @Benchmark
  public Classification baselineMapGet() {
    return map.get(sql);
  }

  @Benchmark
  public long baselineNanoTime() {
    return System.nanoTime();
  }
}
