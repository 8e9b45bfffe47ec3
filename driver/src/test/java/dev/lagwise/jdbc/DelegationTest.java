package dev.lagwise.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.JDBCType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLType;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TimeZone;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every JDBC method of the wrappers either reaches the vendor object with the same arguments or is
 * one of the few that Lagwise intercepts on purpose (listed here, each tested elsewhere).
 */
class DelegationTest {

  /** Records the last call made on a vendor object. */
  static final class Recorder {
    Method method;
    Object[] args;

    @SuppressWarnings("unchecked")
    <T> T proxy(Class<T> iface) {
      return (T)
          Proxy.newProxyInstance(
              iface.getClassLoader(),
              new Class<?>[] {iface},
              (p, m, a) -> {
                if (m.getName().equals("hashCode")) {
                  return 1;
                }
                method = m;
                args = a;
                return StubDriver.defaultValue(m.getReturnType());
              });
    }
  }

  private static final Set<String> WRAPPER = Set.of("unwrap", "isWrapperFor");

  private static <T> void assertDelegates(
      Class<T> iface, Function<T, T> wrap, Set<String> intercepted) throws Exception {
    Recorder r = new Recorder();
    T wrapper = wrap.apply(r.proxy(iface));
    List<String> checked = new ArrayList<>();
    for (Method m : DelegateGenerator.methodsOf(iface)) {
      if (intercepted.contains(m.getName()) || WRAPPER.contains(m.getName())) {
        continue;
      }
      r.method = null;
      Object[] args = sampleArgs(m.getParameterTypes());
      try {
        m.invoke(wrapper, args);
      } catch (InvocationTargetException e) {
        throw new AssertionError(m + " threw", e.getCause());
      }
      assertThat(r.method).as("%s reaches the vendor object", m).isEqualTo(m);
      assertThat(r.args == null ? new Object[0] : r.args).as("arguments of %s", m).isEqualTo(args);
      checked.add(m.getName());
    }
    assertThat(checked).hasSizeGreaterThan(10);
  }

  static Object[] sampleArgs(Class<?>[] types) {
    Object[] a = new Object[types.length];
    for (int i = 0; i < types.length; i++) {
      a[i] = sample(types[i], i);
    }
    return a;
  }

  static Object sample(Class<?> t, int position) {
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
    } else if (t == BigDecimal.class) {
      return new BigDecimal("12.34");
    } else if (t == byte[].class) {
      return new byte[] {1, 2};
    } else if (t == InputStream.class) {
      return new ByteArrayInputStream(new byte[] {3});
    } else if (t == Reader.class) {
      return new StringReader("r");
    } else if (t == Calendar.class) {
      return Calendar.getInstance(TimeZone.getTimeZone("UTC"), java.util.Locale.ROOT);
    } else if (t == SQLType.class) {
      return JDBCType.INTEGER;
    } else if (t == java.sql.Date.class) {
      return new java.sql.Date(0);
    } else if (t == java.sql.Time.class) {
      return new java.sql.Time(0);
    } else if (t == java.sql.Timestamp.class) {
      return new java.sql.Timestamp(0);
    } else if (t == Object.class) {
      return "object";
    } else if (t == int[].class) {
      return new int[] {1};
    } else if (t == String[].class) {
      return new String[] {"a"};
    } else if (t == Class.class) {
      return String.class;
    }
    return null;
  }

  @Test
  void resultSetGettersAndEverythingElseDelegate() throws Exception {
    assertDelegates(
        ResultSet.class,
        rs -> new LogicalResultSet(null, rs, null),
        Set.of("getStatement", "close", "updateRow", "insertRow", "deleteRow"));
  }

  @Test
  void databaseMetaDataDelegates() throws Exception {
    assertDelegates(
        DatabaseMetaData.class,
        md -> new LogicalDatabaseMetaData(null, md),
        Set.of("getConnection", "getURL"));
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
      Set<String> intercepted =
          Set.of(
              "executeQuery",
              "executeUpdate",
              "executeLargeUpdate",
              "execute",
              "executeBatch",
              "executeLargeBatch",
              "getResultSet",
              "getGeneratedKeys",
              "getConnection");
      assertDelegates(
          PreparedStatement.class,
          ps ->
              new PrimaryPreparedStatement(
                  lc, primary, "UPDATE t SET a = 1", ps, ResultSet.CONCUR_READ_ONLY),
          intercepted);
      assertDelegates(
          CallableStatement.class,
          cs -> new PrimaryCallableStatement(lc, primary, cs),
          intercepted);
    }
  }

  @Test
  void everyParameterSetterOfARoutedStatementReachesTheChosenNode() throws Exception {
    StubDriver.install();
    dev.lagwise.Driver.register();
    try (Connection c =
        DriverManager.getConnection(
            "jdbc:lagwise:postgresql://primary-rec:1,replica-rec:2/db", new Properties())) {
      for (Method setter : RecordingGenerator.setters()) {
        PreparedStatement logical = c.prepareStatement("SELECT ? AS v");
        Object[] args = sampleArgs(setter.getParameterTypes());
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
      assertThat(RecordingGenerator.setters()).hasSizeGreaterThan(40);
    }
  }
}
