package dev.lagwise;

import dev.lagwise.jdbc.Connector;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * The Lagwise JDBC driver for URLs {@code jdbc:lagwise:postgresql://host1,host2,.../database}.
 * Registered through {@code META-INF/services/java.sql.Driver}; {@link #connect} returns null for
 * any other URL, as JDBC requires.
 */
public final class Driver implements java.sql.Driver {

  private static Driver registered;

  static {
    try {
      register();
    } catch (SQLException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Registers the driver with {@link DriverManager}; idempotent. */
  public static synchronized void register() throws SQLException {
    if (registered == null) {
      registered = new Driver();
      DriverManager.registerDriver(registered);
    }
  }

  /** Removes the driver from {@link DriverManager}, e.g. when a web application is undeployed. */
  public static synchronized void deregister() throws SQLException {
    if (registered != null) {
      DriverManager.deregisterDriver(registered);
      registered = null;
    }
  }

  public static synchronized boolean isRegistered() {
    return registered != null;
  }

  @Override
  public Connection connect(String url, Properties info) throws SQLException {
    return acceptsURL(url) ? Connector.connect(url, info) : null;
  }

  @Override
  public boolean acceptsURL(String url) {
    return Connector.accepts(url);
  }

  @Override
  public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
    return Connector.propertyInfo(url, info);
  }

  @Override
  public int getMajorVersion() {
    return 0;
  }

  @Override
  public int getMinorVersion() {
    return 1;
  }

  /** Not compliant until the whole JDBC test suite has been run against it. */
  @Override
  public boolean jdbcCompliant() {
    return false;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return Logger.getLogger("dev.lagwise");
  }
}
