package dev.lagwise.jdbc;

import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Enumeration;
import java.util.ServiceLoader;

/** Finds the application's vendor driver (PgJDBC, Connector/J, MariaDB) for a vendor URL. */
final class VendorDrivers {

  private VendorDrivers() {}

  static Driver find(String vendorUrl) throws SQLException {
    Enumeration<Driver> registered = DriverManager.getDrivers();
    while (registered.hasMoreElements()) {
      Driver d = registered.nextElement();
      if (!(d instanceof dev.lagwise.Driver) && d.acceptsURL(vendorUrl)) {
        return d;
      }
    }
    // Drivers loaded by another class loader are invisible to DriverManager from here.
    for (Driver d :
        ServiceLoader.load(Driver.class, Thread.currentThread().getContextClassLoader())) {
      if (!(d instanceof dev.lagwise.Driver) && d.acceptsURL(vendorUrl)) {
        return d;
      }
    }
    String scheme = vendorUrl.substring(0, vendorUrl.indexOf("//"));
    throw new SQLException(
        "No JDBC driver for "
            + scheme
            + "// URLs on the class path: Lagwise needs the vendor driver (e.g."
            + " org.postgresql:postgresql) as a dependency of the application",
        Errors.CONNECTION_FAILED);
  }
}
