package dev.lagwise.jmh;

import dev.lagwise.testkit.Node;
import dev.lagwise.testkit.PostgresCluster;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
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
 * A point read ({@code SELECT v FROM t WHERE id = ?}, autocommit, one row) through Lagwise or
 * through raw PgJDBC connected directly to the replica Lagwise reads from, over loopback.
 *
 * <p>Each {@code target} runs in its own fork with its own 1 primary + 1 replica cluster, so the
 * two scores come from different minutes and their ratio carries the scheduler noise of a 2-core
 * machine; {@link AlternatingPointRead} is the measurement of the ratio. This benchmark gives the
 * absolute latency distribution and, with {@code -prof gc}, the bytes Lagwise adds per read. Run
 * under {@code taskset -c 1} (the fork inherits the mask); the servers are pinned in {@link #setUp}
 * to CPU 0 ({@code -Dlagwise.bench.serverCpus}, passed with {@code -jvmArgsAppend}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PointReadBenchmark {

  @Param({"raw", "lagwise"})
  String target;

  private PostgresCluster cluster;
  private Connection lagwise;
  private Connection raw;
  private PreparedStatement statement;
  private int id;

  @Setup(Level.Trial)
  public void setUp() throws SQLException, IOException, InterruptedException {
    cluster = PostgresCluster.builder().replicas(1).start();
    AlternatingPointRead.createTable(cluster);
    AlternatingPointRead.pinServers(System.getProperty("lagwise.bench.serverCpus", "0"));
    lagwise = DriverManager.getConnection(cluster.lagwiseUrl(), cluster.user(), cluster.password());
    PreparedStatement ps = lagwise.prepareStatement(AlternatingPointRead.QUERY);
    AlternatingPointRead.read(ps, 1);
    Node replica = AlternatingPointRead.nodeOf(cluster, lagwise);
    if (!cluster.replicas().contains(replica)) {
      throw new IllegalStateException("Lagwise read from " + replica.name() + ", not a replica");
    }
    if (target.equals("raw")) {
      ps.close();
      raw = AlternatingPointRead.raw(cluster, replica);
      ps = raw.prepareStatement(AlternatingPointRead.QUERY);
    }
    statement = ps;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws SQLException {
    if (raw != null) {
      raw.close();
    }
    if (lagwise != null) {
      lagwise.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Benchmark
  public int pointRead() throws SQLException {
    id = id == AlternatingPointRead.ROWS ? 1 : id + 1;
    return AlternatingPointRead.read(statement, id);
  }
}
