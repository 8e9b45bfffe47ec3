package dev.lagwise.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.JDBCType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.RowIdLifetime;
import java.sql.SQLType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TimeZone;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every JDBC method of the generated wrapper classes either reaches the vendor object with the same
 * arguments and returns what it returned, or is one of the few that Lagwise intercepts on purpose:
 * the methods its hand-written abstract classes declare, listed here (each tested elsewhere). The
 * interface methods come from the running JDK, so a method a later JDK adds is checked too. A
 * method left abstract fails with {@link AbstractMethodError}; a method intercepted by mistake
 * fails the list of hand-written methods or does not reach the vendor object.
 */
class DelegationTest {

  /** Records the last call made on a vendor object and answers a fresh value for each call. */
  static final class Recorder {
    Method method;
    Object[] args;
    Object result;

    @SuppressWarnings("unchecked")
    <T> T proxy(Class<T> iface) {
      return (T)
          Proxy.newProxyInstance(
              iface.getClassLoader(),
              new Class<?>[] {iface},
              (p, m, a) -> {
                if (m.getDeclaringClass() == Object.class) {
                  return m.getName().equals("equals")
                      ? p == a[0]
                      : m.getName().equals("hashCode") ? 1 : iface.getSimpleName();
                }
                method = m;
                args = a;
                result = result(m.getReturnType());
                return result;
              });
    }
  }

  private static final Set<String> WRAPPER = Set.of("unwrap", "isWrapperFor");

  /** Interface methods in a stable order. */
  static List<Method> methodsOf(Class<?> iface) {
    return Arrays.stream(iface.getMethods())
        .filter(m -> !Modifier.isStatic(m.getModifiers()))
        .sorted(Comparator.comparing(m -> m.getName() + Arrays.toString(m.getParameterTypes())))
        .toList();
  }

  /** Names of the JDBC methods that the hand-written classes above the generated one declare. */
  private static Set<String> handWritten(Class<?> generated, Class<?> iface) {
    Set<String> names = new TreeSet<>();
    for (Class<?> c = generated.getSuperclass(); c != Object.class; c = c.getSuperclass()) {
      for (Method m : c.getDeclaredMethods()) {
        if (!Modifier.isAbstract(m.getModifiers()) && declares(iface, m)) {
          names.add(m.getName());
        }
      }
    }
    return names;
  }

  private static boolean declares(Class<?> iface, Method m) {
    try {
      iface.getMethod(m.getName(), m.getParameterTypes());
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  private static <T> void assertDelegates(
      Class<T> iface, Function<T, ? extends T> wrap, Set<String> intercepted) throws Exception {
    assertDelegates(iface, iface, wrap, intercepted);
  }

  /**
   * As above, around a vendor object of {@code vendor} (the JDBC interface plus a vendor's
   * extension interface): the class made at run time that also implements the extension ({@link
   * VendorTypes}) must delegate every method of both.
   */
  private static <T> void assertDelegates(
      Class<T> iface,
      Class<? extends T> vendor,
      Function<T, ? extends T> wrap,
      Set<String> intercepted)
      throws Exception {
    Recorder r = new Recorder();
    T wrapper = wrap.apply(r.proxy(vendor));
    Class<?> generated = wrapper.getClass();
    if (vendor == iface) {
      assertThat(generated.getSimpleName()).startsWith("Generated");
    } else {
      assertThat(generated.getSimpleName()).doesNotStartWith("Generated");
      for (Class<?> extension : vendor.getInterfaces()) {
        assertThat(extension.isAssignableFrom(generated)).as("%s", extension).isTrue();
      }
    }
    assertThat(Modifier.isFinal(generated.getModifiers())).as("%s is final", generated).isTrue();
    assertThat(Modifier.isPublic(generated.getModifiers())).isFalse();
    assertThat(Modifier.isAbstract(generated.getSuperclass().getModifiers())).isTrue();
    assertThat(handWritten(generated, vendor))
        .as("methods the hand-written classes above %s intercept", generated)
        .isEqualTo(new TreeSet<>(intercepted));
    List<String> checked = new ArrayList<>();
    for (Method m : methodsOf(vendor)) {
      if (intercepted.contains(m.getName())) {
        continue;
      }
      Method implementation = generated.getMethod(m.getName(), m.getParameterTypes());
      assertThat(Modifier.isAbstract(implementation.getModifiers())).as("%s", m).isFalse();
      assertThat(implementation.getDeclaringClass()).as("%s is generated", m).isEqualTo(generated);
      r.method = null;
      r.args = null;
      Object[] args = sampleArgs(m.getParameterTypes());
      Object returned;
      try {
        returned = m.invoke(wrapper, args);
      } catch (InvocationTargetException e) {
        throw new AssertionError(m + " threw", e.getCause());
      }
      assertThat(r.method).as("%s reaches the vendor object", m).isEqualTo(m);
      assertThat(r.args == null ? new Object[0] : r.args).as("arguments of %s", m).isEqualTo(args);
      if (m.getReturnType() != void.class) {
        assertThat(r.result).as("sample result of %s", m).isNotNull();
        if (m.getReturnType().isPrimitive()) {
          assertThat(returned).as("result of %s", m).isEqualTo(r.result);
        } else {
          assertThat(returned).as("result of %s", m).isSameAs(r.result);
        }
      }
      checked.add(m.getName());
    }
    assertThat(checked).hasSizeGreaterThan(10);
  }

  static Object[] sampleArgs(Class<?>[] types) throws Exception {
    Object[] a = new Object[types.length];
    for (int i = 0; i < types.length; i++) {
      a[i] = sample(types[i], i);
    }
    return a;
  }

  static Object sample(Class<?> t, int position) throws Exception {
    if (t == int.class) {
      return position + 1;
    } else if (t == long.class) {
      return 40L + position;
    } else if (t == boolean.class) {
      return true;
    } else if (t == byte.class) {
      return (byte) 5;
    } else if (t == short.class) {
      return (short) 6;
    } else if (t == float.class) {
      return 1.5f;
    } else if (t == double.class) {
      return 2.5d;
    } else if (t == String.class) {
      return "s" + position;
    } else if (t == Calendar.class) {
      return Calendar.getInstance(TimeZone.getTimeZone("UTC"), java.util.Locale.ROOT);
    } else if (t == SQLType.class) {
      return JDBCType.INTEGER;
    } else if (t == Class.class) {
      return String.class;
    } else if (t == String[].class) {
      return new String[] {"a"};
    } else if (t == java.util.Map.class) {
      return new HashMap<String, Class<?>>();
    }
    return result(t);
  }

  /** A fresh, non-null value of {@code t} (distinct from the defaults), or null if unknown. */
  static Object result(Class<?> t) throws Exception {
    if (t == void.class) {
      return null;
    } else if (t == int.class) {
      return 7;
    } else if (t == long.class) {
      return 8L;
    } else if (t == boolean.class) {
      return true;
    } else if (t == byte.class) {
      return (byte) 9;
    } else if (t == short.class) {
      return (short) 10;
    } else if (t == float.class) {
      return 1.25f;
    } else if (t == double.class) {
      return 2.75d;
    } else if (t == String.class) {
      return new String("result".getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    } else if (t == Object.class) {
      return new Object();
    } else if (t == BigDecimal.class) {
      return new BigDecimal("12.34");
    } else if (t.isArray()) {
      return java.lang.reflect.Array.newInstance(t.getComponentType(), 1);
    } else if (t == InputStream.class) {
      return new ByteArrayInputStream(new byte[] {3});
    } else if (t == Reader.class) {
      return new StringReader("r");
    } else if (t == java.sql.Date.class) {
      return new java.sql.Date(0);
    } else if (t == java.sql.Time.class) {
      return new java.sql.Time(0);
    } else if (t == java.sql.Timestamp.class) {
      return new java.sql.Timestamp(0);
    } else if (t == java.net.URL.class) {
      return URI.create("http://example.invalid/").toURL();
    } else if (t == java.sql.SQLWarning.class) {
      return new java.sql.SQLWarning("w");
    } else if (t == RowIdLifetime.class) {
      return RowIdLifetime.ROWID_VALID_OTHER;
    } else if (t.isInterface()) {
      return new Recorder().proxy(t);
    }
    return null;
  }

  private static final Set<String> PRIMARY_INTERCEPTED =
      Set.of(
          "executeQuery",
          "executeUpdate",
          "executeLargeUpdate",
          "execute",
          "executeBatch",
          "executeLargeBatch",
          "getResultSet",
          "getGeneratedKeys",
          "getConnection",
          "unwrap",
          "isWrapperFor");

  @Test
  void resultSetGettersAndEverythingElseDelegate() throws Exception {
    assertDelegates(
        ResultSet.class,
        rs -> DelegateFactory.resultSet(null, rs, null),
        Set.of(
            "getStatement",
            "close",
            "updateRow",
            "insertRow",
            "deleteRow",
            "unwrap",
            "isWrapperFor"));
  }

  /**
   * Every call asks the connection for the host to run on: the vendor metadata is looked up then.
   */
  @Test
  void databaseMetaDataDelegates() throws Exception {
    StubDriver.install();
    dev.lagwise.Driver.register();
    try (Connection c =
        DriverManager.getConnection(
            "jdbc:lagwise:postgresql://primary-mdeleg:1,replica-mdeleg:2/db", new Properties())) {
      LogicalConnection lc = c.unwrap(LogicalConnection.class);
      assertDelegates(
          DatabaseMetaData.class,
          md -> {
            StubDriver.metaData = md;
            return DelegateFactory.metaData(lc);
          },
          Set.of("getConnection", "getURL", "unwrap", "isWrapperFor"));
    } finally {
      StubDriver.reset();
    }
  }

  @Test
  void primaryPreparedAndCallableStatementsDelegate() throws Exception {
    StubDriver.install();
    dev.lagwise.Driver.register();
    Properties p = new Properties();
    try (Connection c =
        DriverManager.getConnection(
            "jdbc:lagwise:postgresql://primary-deleg:1,replica-deleg:2/db", p)) {
      LogicalConnection lc = c.unwrap(LogicalConnection.class);
      PhysicalConnection primary = lc.physical(0);
      assertDelegates(
          PreparedStatement.class,
          ps ->
              DelegateFactory.primary(
                  lc, primary, "UPDATE t SET a = 1", ps, ResultSet.CONCUR_READ_ONLY),
          PRIMARY_INTERCEPTED);
      assertDelegates(
          CallableStatement.class,
          cs -> DelegateFactory.callable(lc, primary, "{call p()}", cs),
          PRIMARY_INTERCEPTED);
      CallableStatement vendor = new Recorder().proxy(CallableStatement.class);
      assertThat(DelegateFactory.callable(lc, primary, "{call p()}", vendor))
          .isInstanceOf(PrimaryPreparedStatement.class)
          .as("the vendor's toString, as PgJDBC shows a statement")
          .hasToString(vendor.toString());
    }
  }

  /** What PgJDBC's prepared statement implements. */
  public interface PgPrepared extends PreparedStatement, org.postgresql.PGStatement {}

  /** What PgJDBC's callable statement implements. */
  public interface PgCallable extends CallableStatement, org.postgresql.PGStatement {}

  /**
   * With PgJDBC present, statements bound to the primary also implement {@code PGStatement}: the
   * run-time subclass of the same hand-written class delegates every JDBC method as the build-time
   * class does, and every {@code PGStatement} method to the bound vendor statement.
   */
  @Test
  void primaryStatementsAlsoImplementPgStatementWhenPgJdbcIsPresent() throws Exception {
    VendorTypes pg = VendorTypes.forDriver(Dialect.POSTGRESQL, new org.postgresql.Driver());
    StubDriver.install();
    dev.lagwise.Driver.register();
    try (Connection c =
        DriverManager.getConnection(
            "jdbc:lagwise:postgresql://primary-pgdeleg:1,replica-pgdeleg:2/db", new Properties())) {
      LogicalConnection lc = c.unwrap(LogicalConnection.class);
      PhysicalConnection primary = lc.physical(0);
      assertDelegates(
          PreparedStatement.class,
          PgPrepared.class,
          ps -> pg.primary.make(lc, primary, "UPDATE t SET a = 1", ps, ResultSet.CONCUR_READ_ONLY),
          PRIMARY_INTERCEPTED);
      assertDelegates(
          CallableStatement.class,
          PgCallable.class,
          cs -> pg.calls.make(lc, primary, "{call p()}", cs),
          PRIMARY_INTERCEPTED);
      PreparedStatement plain =
          VendorTypes.PLAIN.primary.make(
              lc,
              primary,
              "UPDATE t SET a = 1",
              new Recorder().proxy(PreparedStatement.class),
              ResultSet.CONCUR_READ_ONLY);
      assertThat(plain.getClass().getSimpleName()).isEqualTo("GeneratedPrimaryPreparedStatement");
      assertThat(plain).isNotInstanceOf(org.postgresql.PGStatement.class);
    }
  }

  /**
   * Routed statements as both paths make them: the build-time final class, and the run-time class
   * that also implements {@code PGStatement} (written by the same {@link Recording} rules).
   */
  static List<Function<String, RecordingPreparedStatement>> routedMakers(Connection c)
      throws Exception {
    LogicalConnection lc = c.unwrap(LogicalConnection.class);
    VendorTypes pg = VendorTypes.forDriver(Dialect.POSTGRESQL, new org.postgresql.Driver());
    int type = ResultSet.TYPE_FORWARD_ONLY;
    int concurrency = ResultSet.CONCUR_READ_ONLY;
    Function<String, RecordingPreparedStatement> built =
        sql -> DelegateFactory.routed(lc, sql, type, concurrency, -2);
    Function<String, RecordingPreparedStatement> vendor =
        sql -> pg.routed.make(lc, sql, type, concurrency, -2, -1, null, null);
    assertThat(built.apply("SELECT 1").getClass().getSimpleName())
        .isEqualTo("GeneratedRoutedPreparedStatement");
    assertThat(vendor.apply("SELECT 1")).isInstanceOf(org.postgresql.PGStatement.class);
    return List.of(built, vendor);
  }

  /** The {@code set*(int, ...)} methods of a prepared statement: recorded, then replayed. */
  static List<Method> setters() {
    return methodsOf(PreparedStatement.class).stream()
        .filter(m -> m.getName().startsWith("set") && m.getParameterCount() >= 2)
        .filter(m -> m.getParameterTypes()[0] == int.class)
        .toList();
  }

  @Test
  void everyParameterSetterOfARoutedStatementReachesTheChosenNode() throws Exception {
    StubDriver.install();
    dev.lagwise.Driver.register();
    try (Connection c =
        DriverManager.getConnection(
            "jdbc:lagwise:postgresql://primary-rec:1,replica-rec:2/db", new Properties())) {
      for (Function<String, RecordingPreparedStatement> make : routedMakers(c)) {
        for (Method setter : setters()) {
          PreparedStatement logical = make.apply("SELECT ? AS v");
          assertThat(logical.getClass().getMethod(setter.getName(), setter.getParameterTypes()))
              .as("%s is generated", setter)
              .returns(logical.getClass(), Method::getDeclaringClass);
          // Index 3: beyond the first slots, and replayed at 3, not at 1.
          Object[] args = sampleArgs(setter.getParameterTypes());
          args[0] = 3;
          setter.invoke(logical, args);
          Recorder r = new Recorder();
          PreparedStatement vendor = r.proxy(PreparedStatement.class);
          ((RecordingPreparedStatement) logical).applyParameters(vendor);
          assertThat(r.method).as("%s is applied", setter).isEqualTo(setter);
          assertThat(r.args).as("arguments of %s", setter).isEqualTo(args);
          logical.clearParameters();
          r.method = null;
          ((RecordingPreparedStatement) logical).applyParameters(vendor);
          assertThat(r.method.getName()).as("after clearParameters").isEqualTo("clearParameters");
          logical.close();
        }
      }
      assertThat(setters()).hasSizeGreaterThan(40);
    }
  }

  @Test
  void primitiveParametersKeepEveryBit() throws Exception {
    StubDriver.install();
    dev.lagwise.Driver.register();
    try (Connection c =
        DriverManager.getConnection(
            "jdbc:lagwise:postgresql://primary-bits:1,replica-bits:2/db", new Properties())) {
      for (Function<String, RecordingPreparedStatement> make : routedMakers(c)) {
        PreparedStatement ps = make.apply("SELECT ?, ?, ?, ?, ?, ?, ?, ?");
        ps.setDouble(1, -0.0d);
        ps.setFloat(2, Float.intBitsToFloat(0xffc00001)); // a NaN with payload
        ps.setLong(3, Long.MIN_VALUE);
        ps.setInt(4, -1);
        ps.setShort(5, Short.MIN_VALUE);
        ps.setByte(6, (byte) -128);
        ps.setBoolean(7, false);
        ps.setNull(8, java.sql.Types.DATE, "date");
        List<Object[]> calls = new ArrayList<>();
        PreparedStatement vendor =
            (PreparedStatement)
                Proxy.newProxyInstance(
                    getClass().getClassLoader(),
                    new Class<?>[] {PreparedStatement.class},
                    (p, m, a) -> {
                      if (m.getName().startsWith("set")) {
                        calls.add(a);
                      }
                      return null;
                    });
        ((RecordingPreparedStatement) ps).applyParameters(vendor);
        assertThat(calls)
            .extracting(a -> a[1])
            .containsExactly(
                -0.0d,
                Float.intBitsToFloat(0xffc00001),
                Long.MIN_VALUE,
                -1,
                Short.MIN_VALUE,
                (byte) -128,
                false,
                java.sql.Types.DATE);
        assertThat(Double.doubleToRawLongBits((Double) calls.get(0)[1]))
            .isEqualTo(Double.doubleToRawLongBits(-0.0d));
        assertThat(Float.floatToRawIntBits((Float) calls.get(1)[1])).isEqualTo(0xffc00001);
        assertThat(calls.get(7)[2]).isEqualTo("date");
        assertThatThrownBy(() -> ps.setInt(0, 1)).hasMessageContaining("out of range: 0");
      }
    }
  }

  /**
   * A later setter on the same index replaces all of the earlier one: its stream is not read and
   * its length does not cut the new stream short when the statement buffers streams for a resend.
   */
  @Test
  void aLaterSetterReplacesTheWholeParameter() throws Exception {
    StubDriver.install();
    dev.lagwise.Driver.register();
    try (Connection c =
        DriverManager.getConnection(
            "jdbc:lagwise:postgresql://primary-slot:1,replica-slot:2/db", new Properties())) {
      for (Function<String, RecordingPreparedStatement> make : routedMakers(c)) {
        RecordingPreparedStatement ps = make.apply("SELECT ?");
        ps.setAsciiStream(1, new ByteArrayInputStream(new byte[10]), 3);
        ps.setAsciiStream(
            1, new java.io.BufferedInputStream(new ByteArrayInputStream(new byte[10])));
        ps.bufferStreams();
        List<Object[]> calls = new ArrayList<>();
        ps.applyParameters(
            (PreparedStatement)
                Proxy.newProxyInstance(
                    getClass().getClassLoader(),
                    new Class<?>[] {PreparedStatement.class},
                    (p, m, a) -> {
                      if (m.getName().startsWith("set")) {
                        calls.add(a);
                      }
                      return null;
                    }));
        assertThat(calls).hasSize(1);
        assertThat(((InputStream) calls.get(0)[1]).readAllBytes()).hasSize(10);

        ps.setBinaryStream(1, new ByteArrayInputStream(new byte[4]));
        ps.setInt(1, 5);
        assertThat(ps.hasStreamParameter()).as("the stream was replaced by an int").isFalse();
      }
    }
  }

  /**
   * Stands for a vendor's extension interface, such as {@code org.postgresql.PGResultSetMetaData}.
   */
  public interface VendorExtension {
    int vendorOnly(int x) throws java.sql.SQLException;
  }

  /** What the vendor's result set would implement. */
  public interface VendorResultSet extends ResultSet, VendorExtension {}

  /**
   * The run-time use of {@link Delegation}: a subclass of a hand-written wrapper, defined in the
   * driver's package at first use, adds a vendor interface, and the same builder step delegates its
   * methods too (casting the {@code ResultSet} field to the vendor interface) along with every JDBC
   * method.
   */
  @Test
  void delegationAddsAVendorInterfaceAtRunTime() throws Exception {
    Class<? extends LogicalResultSet> type =
        Delegation.delegateRemaining(
                new net.bytebuddy.ByteBuddy()
                    .subclass(LogicalResultSet.class)
                    .implement(VendorExtension.class))
            .make()
            .load(
                LogicalResultSet.class.getClassLoader(),
                net.bytebuddy.dynamic.loading.ClassLoadingStrategy.UsingLookup.of(
                    java.lang.invoke.MethodHandles.lookup()))
            .getLoaded();
    Recorder r = new Recorder();
    LogicalResultSet wrapper =
        type.getConstructor(java.sql.Statement.class, ResultSet.class, LogicalConnection.class)
            .newInstance(null, r.proxy(VendorResultSet.class), null);
    assertThat(((VendorExtension) wrapper).vendorOnly(5)).isEqualTo(7);
    assertThat(r.method.getName()).isEqualTo("vendorOnly");
    assertThat(r.args).containsExactly(5);
    assertThat(wrapper.getInt(3)).isEqualTo(7);
    assertThat(r.method).isEqualTo(ResultSet.class.getMethod("getInt", int.class));
    assertThat(wrapper.getStatement()).as("hand-written methods stay").isNull();
  }
}
