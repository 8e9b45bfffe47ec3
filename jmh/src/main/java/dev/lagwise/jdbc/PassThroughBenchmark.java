package dev.lagwise.jdbc;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.implementation.ExceptionMethod;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A pass-through call on a generated delegate ({@code GeneratedLogicalResultSet}, what {@code
 * executeQuery} returns) against the same call made directly on the vendor result set, in the same
 * run: {@code getInt} and {@code getString} of the current row. The vendor object is an in-memory
 * row (no I/O), so the difference is the delegate itself: one field load and one interface call the
 * JIT inlines, which is what any delegate costs; and against the same delegate written by hand
 * ({@link JavacDelegate}, javac's bytecode): the claim is that generated / javac is 1 within noise,
 * generated / direct is one inlined call (a field load and a class check), 0 B/op everywhere.
 *
 * <p>In this package to reach the package-private {@link DelegateFactory}. Run: {@code taskset -c 1
 * java -jar jmh/target/benchmarks.jar PassThroughBenchmark -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class PassThroughBenchmark {

  /** A vendor result set positioned on one row; everything but the two getters throws. */
  public abstract static class Row implements ResultSet {
    private final int[] ints = {11, 22, 33, 44};
    private final String[] strings = {"a", "b", "c", "d"};

    @Override
    public int getInt(int column) throws SQLException {
      return ints[column - 1];
    }

    @Override
    public String getString(int column) throws SQLException {
      return strings[column - 1];
    }
  }

  /**
   * The same two delegates written by hand and compiled by javac, as the committed generated
   * sources were before the build-time generation: the bytecode Byte Buddy writes should cost
   * exactly this.
   */
  public abstract static class JavacDelegate implements ResultSet {
    private final ResultSet delegate;

    protected JavacDelegate(ResultSet delegate) {
      this.delegate = delegate;
    }

    @Override
    public int getInt(int column) throws SQLException {
      return delegate.getInt(column);
    }

    @Override
    public String getString(int column) throws SQLException {
      return delegate.getString(column);
    }
  }

  private ResultSet vendor;
  private ResultSet wrapped;
  private ResultSet javac;

  /** Not a constant, so the column lookups are not folded away. */
  private int column = 2;

  @Setup
  public void setUp() throws ReflectiveOperationException {
    vendor =
        new ByteBuddy()
            .subclass(Row.class)
            .method(isAbstract())
            .intercept(ExceptionMethod.throwing(UnsupportedOperationException.class))
            .make()
            .load(Row.class.getClassLoader(), ClassLoadingStrategy.Default.INJECTION)
            .getLoaded()
            .getConstructor()
            .newInstance();
    wrapped = DelegateFactory.resultSet(null, vendor, null);
    javac =
        new ByteBuddy()
            .subclass(JavacDelegate.class)
            .method(isAbstract())
            .intercept(ExceptionMethod.throwing(UnsupportedOperationException.class))
            .make()
            .load(JavacDelegate.class.getClassLoader(), ClassLoadingStrategy.Default.INJECTION)
            .getLoaded()
            .getConstructor(ResultSet.class)
            .newInstance(vendor);
    if (!wrapped.getClass().getSimpleName().startsWith("Generated")) {
      throw new IllegalStateException("not the generated delegate: " + wrapped.getClass());
    }
  }

  @Benchmark
  public int directGetInt() throws SQLException {
    return vendor.getInt(column);
  }

  @Benchmark
  public int wrappedGetInt() throws SQLException {
    return wrapped.getInt(column);
  }

  @Benchmark
  public int javacGetInt() throws SQLException {
    return javac.getInt(column);
  }

  @Benchmark
  public String javacGetString() throws SQLException {
    return javac.getString(column);
  }

  @Benchmark
  public String directGetString() throws SQLException {
    return vendor.getString(column);
  }

  @Benchmark
  public String wrappedGetString() throws SQLException {
    return wrapped.getString(column);
  }
}
