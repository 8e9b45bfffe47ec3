package dev.lagwise.jmh;

import dev.lagwise.routing.Classification;
import dev.lagwise.routing.SqlClassifier;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * SQL classification cost: uncached (the scanner), cached (the per-statement hot path) and, as a
 * baseline in the same run, one pass over the same characters ({@code String.hashCode} of a fresh
 * copy, so nothing is cached in the string).
 *
 * <p>Inputs are prepared in {@link #setUp}: {@value #VARIANTS} distinct ~200-character SELECTs that
 * differ in literals and identifiers, cycled per invocation so the JIT cannot fold any of them.
 * Run: {@code java -jar jmh/target/benchmarks.jar ClassifierBenchmark -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ClassifierBenchmark {
  static final int VARIANTS = 64;

  @Param({"postgresql", "mysql"})
  String dialect;

  private SqlClassifier classifier;
  private String[] sql;
  private char[][] chars;
  private int i;

  @Setup
  public void setUp() {
    classifier = SqlClassifier.forDialect(dialect);
    sql = new String[VARIANTS];
    chars = new char[VARIANTS][];
    for (int v = 0; v < VARIANTS; v++) {
      sql[v] =
          "SELECT o.id, o.total_cents, c.email /* order page */ FROM orders o JOIN customers c"
              + " ON c.id = o.customer_id WHERE o.status = 'open"
              + v
              + "' AND o.created_at > now() - interval '7 days' AND c.region_"
              + (v % 7)
              + " IN (?, ?) ORDER BY o.created_at DESC LIMIT "
              + (10 + v);
      chars[v] = sql[v].toCharArray();
      if (!classifier.classifyUncached(sql[v]).isReplicaSafe()) {
        throw new IllegalStateException("benchmark input is not a read: " + sql[v]);
      }
      classifier.classify(sql[v]);
    }
  }

  private int next() {
    return i = (i + 1) & (VARIANTS - 1);
  }

  @Benchmark
  public Classification uncached() {
    return classifier.classifyUncached(sql[next()]);
  }

  @Benchmark
  public Classification cached() {
    return classifier.classify(sql[next()]);
  }

  /** A lower bound for anything that reads every character once: hashing a fresh string. */
  @Benchmark
  public int baselineHashFreshString() {
    return new String(chars[next()]).hashCode();
  }

  /** What a cache lookup costs at the least: hashCode of a string whose hash is cached. */
  @Benchmark
  public int baselineCachedHashCode() {
    return sql[next()].hashCode();
  }
}
