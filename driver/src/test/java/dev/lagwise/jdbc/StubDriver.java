package dev.lagwise.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * A vendor driver for routing unit tests: answers {@code jdbc:postgresql://<host>:<port>/...},
 * where a host named {@code primary*} is a primary and any other host a replica, and records on
 * which host each statement ran. Hosts can be made unreachable. It replaces PgJDBC in {@link
 * DriverManager} for the test JVM while installed.
 */
final class StubDriver implements Driver {

  /** One executed statement: host and SQL. */
  record Executed(String host, String sql) {}

  /** One connect: host, whether the monitor made it, and the credentials it was given. */
  record Connect(String host, boolean monitor, String user, String password) {}

  static final List<Connect> CONNECTS = Collections.synchronizedList(new ArrayList<>());

  static final List<Executed> LOG = Collections.synchronizedList(new ArrayList<>());
  static final Map<String, Boolean> DOWN = new ConcurrentHashMap<>();
  static final Map<String, Integer> OPENED = new ConcurrentHashMap<>();

  /** What every stub connection's {@code getMetaData()} returns; null unless a test sets it. */
  static volatile java.sql.DatabaseMetaData metaData;

  private static StubDriver installed;
  private static final List<Driver> REMOVED = new ArrayList<>();

  static synchronized void install() throws SQLException {
    if (installed == null) {
      for (Driver d : Collections.list(DriverManager.getDrivers())) {
        if (!(d instanceof dev.lagwise.Driver) && d.acceptsURL("jdbc:postgresql://x/y")) {
          DriverManager.deregisterDriver(d);
          REMOVED.add(d);
        }
      }
      installed = new StubDriver();
      DriverManager.registerDriver(installed);
    }
    reset();
  }

  static void reset() {
    LOG.clear();
    CONNECTS.clear();
    DOWN.clear();
    OPENED.clear();
    metaData = null;
  }

  /** Hosts of the statements whose SQL contains {@code fragment}, in order. */
  static List<String> hostsFor(String fragment) {
    List<String> hosts = new ArrayList<>();
    synchronized (LOG) {
      for (Executed e : LOG) {
        if (e.sql().contains(fragment)) {
          hosts.add(e.host());
        }
      }
    }
    return hosts;
  }

  @Override
  public Connection connect(String url, Properties info) throws SQLException {
    if (!acceptsURL(url)) {
      return null;
    }
    String host = url.substring("jdbc:postgresql://".length(), url.indexOf('/', 18));
    if (DOWN.containsKey(host)) {
      throw new SQLException("Connection to " + host + " refused", "08001");
    }
    boolean monitor = url.contains("ApplicationName=lagwise-monitor");
    CONNECTS.add(
        new Connect(host, monitor, info.getProperty("user"), info.getProperty("password")));
    if (!monitor) {
      OPENED.merge(host, 1, Integer::sum);
    }
    return connection(host, monitor);
  }

  private static Connection connection(String host, boolean monitor) {
    boolean[] closed = {false};
    InvocationHandler h =
        (proxy, method, args) -> {
          switch (method.getName()) {
            case "createStatement":
              return statement(host, null, closed);
            case "prepareStatement":
              return statement(host, (String) args[0], closed);
            case "close":
              closed[0] = true;
              return null;
            case "isClosed":
              return closed[0];
            case "isValid":
              return !closed[0] && !DOWN.containsKey(host);
            case "getAutoCommit":
              return true;
            case "getMetaData":
              return metaData;
            case "toString":
              return "StubConnection[" + host + (monitor ? ", monitor" : "") + "]";
            case "hashCode":
              return System.identityHashCode(proxy);
            case "equals":
              return proxy == args[0];
            default:
              return defaultValue(method.getReturnType());
          }
        };
    return (Connection)
        Proxy.newProxyInstance(
            StubDriver.class.getClassLoader(), new Class<?>[] {Connection.class}, h);
  }

  private static Object statement(String host, String preparedSql, boolean[] connClosed) {
    Object[] last = {null};
    InvocationHandler h =
        (proxy, method, args) -> {
          String name = method.getName();
          if (name.startsWith("execute")) {
            if (DOWN.containsKey(host)) {
              throw new SQLException("I/O error on " + host, "08006");
            }
            String sql =
                preparedSql != null ? preparedSql : args != null ? (String) args[0] : "batch";
            LOG.add(new Executed(host, sql));
            if (sql.contains("pg_is_in_recovery")) {
              last[0] = booleanResult(!host.startsWith("primary"));
            } else if (sql.contains("pg_proc")) {
              last[0] = emptyResult();
            } else if (!host.startsWith("primary") && sql.contains("write_fn")) {
              throw new SQLException("cannot execute write_fn in a read-only transaction", "25006");
            } else {
              last[0] = booleanResult(true);
            }
            switch (name) {
              case "executeQuery":
                return last[0];
              case "executeUpdate":
                return 1;
              case "executeLargeUpdate":
                return 1L;
              case "executeBatch":
                return new int[] {1};
              default:
                return Boolean.TRUE;
            }
          }
          switch (name) {
            case "getResultSet":
              return last[0];
            case "getUpdateCount":
              return -1;
            case "isClosed":
              return connClosed[0];
            case "toString":
              return "StubStatement[" + host + "]";
            case "hashCode":
              return System.identityHashCode(proxy);
            case "equals":
              return proxy == args[0];
            default:
              return defaultValue(method.getReturnType());
          }
        };
    Class<?> type = preparedSql != null ? PreparedStatement.class : Statement.class;
    return Proxy.newProxyInstance(StubDriver.class.getClassLoader(), new Class<?>[] {type}, h);
  }

  private static ResultSet booleanResult(boolean value) {
    int[] row = {0};
    return (ResultSet)
        Proxy.newProxyInstance(
            StubDriver.class.getClassLoader(),
            new Class<?>[] {ResultSet.class},
            (proxy, method, args) -> {
              switch (method.getName()) {
                case "next":
                  return row[0]++ == 0;
                case "getBoolean":
                  return value;
                case "toString":
                  return "StubResultSet";
                default:
                  return defaultValue(method.getReturnType());
              }
            });
  }

  private static ResultSet emptyResult() {
    return (ResultSet)
        Proxy.newProxyInstance(
            StubDriver.class.getClassLoader(),
            new Class<?>[] {ResultSet.class},
            (proxy, method, args) -> defaultValue(method.getReturnType()));
  }

  static Object defaultValue(Class<?> type) {
    if (type == boolean.class) {
      return false;
    } else if (type == int.class) {
      return 0;
    } else if (type == long.class) {
      return 0L;
    } else if (type == short.class) {
      return (short) 0;
    } else if (type == byte.class) {
      return (byte) 0;
    } else if (type == double.class) {
      return 0d;
    } else if (type == float.class) {
      return 0f;
    }
    return null;
  }

  @Override
  public boolean acceptsURL(String url) {
    return url != null && url.startsWith("jdbc:postgresql://");
  }

  @Override
  public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
    return new DriverPropertyInfo[] {new DriverPropertyInfo("stubProperty", null)};
  }

  @Override
  public int getMajorVersion() {
    return 1;
  }

  @Override
  public int getMinorVersion() {
    return 0;
  }

  @Override
  public boolean jdbcCompliant() {
    return false;
  }

  @Override
  public Logger getParentLogger() {
    return Logger.getLogger("stub");
  }
}
