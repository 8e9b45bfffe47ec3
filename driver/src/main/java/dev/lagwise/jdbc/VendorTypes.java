package dev.lagwise.jdbc;

import java.sql.CallableStatement;
import java.sql.Driver;
import java.sql.PreparedStatement;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Makes the connection and statement objects of one vendor driver. When the vendor's public
 * extension interfaces are visible to Lagwise's class loader, the objects also implement them
 * ({@code PGConnection}, {@code PGStatement}; Connector/J's {@code JdbcConnection}), from classes
 * generated once per JVM by {@link VendorClasses} at first use; otherwise they are the plain
 * classes. The factories are fixed calls to constructors: making a statement costs what {@code new}
 * costs.
 */
final class VendorTypes {

  private static final Logger LOG = Logger.getLogger("dev.lagwise");

  interface Connections {
    LogicalConnection make(Cluster cluster, ConnectionSpec spec);
  }

  interface Statements {
    LogicalStatement make(LogicalConnection c, int type, int concurrency, int holdability);
  }

  interface RoutedStatements {
    RoutedPreparedStatement make(
        LogicalConnection c,
        String sql,
        int type,
        int concurrency,
        int holdability,
        int keys,
        int[] indexes,
        String[] names);
  }

  /** A statement bound to the primary's (or the transaction node's) vendor statement. */
  interface PrimaryStatements {
    PrimaryPreparedStatement make(
        LogicalConnection c,
        PhysicalConnection prepared,
        String sql,
        PreparedStatement delegate,
        int concurrency);
  }

  interface Calls {
    PrimaryCallableStatement make(
        LogicalConnection c, PhysicalConnection prepared, String sql, CallableStatement delegate);
  }

  /** Without the vendor's interfaces: the final classes generated at build time. */
  static final VendorTypes PLAIN =
      new VendorTypes(
          LogicalConnection::new,
          LogicalStatement::new,
          DelegateFactory::routed,
          DelegateFactory::primary,
          DelegateFactory::callable);

  final Connections connections;
  final Statements statements;
  final RoutedStatements routed;
  final PrimaryStatements primary;
  final Calls calls;

  VendorTypes(
      Connections connections,
      Statements statements,
      RoutedStatements routed,
      PrimaryStatements primary,
      Calls calls) {
    this.connections = connections;
    this.statements = statements;
    this.routed = routed;
    this.primary = primary;
    this.calls = calls;
  }

  /** The types for connections through {@code vendor}. */
  static VendorTypes forDriver(Dialect dialect, Driver vendor) {
    if (dialect == Dialect.POSTGRESQL && sameType("org.postgresql.PGConnection", vendor)) {
      return Pg.TYPES;
    }
    if (dialect == Dialect.MYSQL && sameType("com.mysql.cj.jdbc.JdbcConnection", vendor)) {
      return MySql.TYPES;
    }
    return PLAIN;
  }

  /**
   * True when Lagwise's class loader sees the vendor's own {@code name}: a vendor driver loaded by
   * another class loader has interfaces the generated classes cannot implement.
   */
  private static boolean sameType(String name, Driver vendor) {
    try {
      Class<?> ours = Class.forName(name, false, VendorTypes.class.getClassLoader());
      return ours == Class.forName(name, false, vendor.getClass().getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  private static VendorTypes failed(String iface, RuntimeException e) {
    LOG.log(
        Level.WARNING,
        "Lagwise connections will not implement " + iface + ": cannot generate the classes",
        e);
    return PLAIN;
  }

  /** Loaded only when PgJDBC is present. */
  private static final class Pg {

    static final VendorTypes TYPES = make();

    private static VendorTypes make() {
      try {
        return new VendorTypes(
            VendorClasses.extend(
                LogicalConnection.class,
                org.postgresql.PGConnection.class,
                PgConnectionExtension.class,
                Connections.class),
            VendorClasses.extend(
                LogicalStatement.class,
                org.postgresql.PGStatement.class,
                PgStatementExtension.class,
                Statements.class),
            VendorClasses.extend(
                RoutedPreparedStatement.class,
                org.postgresql.PGStatement.class,
                PgStatementExtension.class,
                RoutedStatements.class),
            // Bound to one vendor statement for life: every PGStatement method is that
            // statement's (no handler).
            VendorClasses.extend(
                PrimaryPreparedStatement.class,
                org.postgresql.PGStatement.class,
                null,
                PrimaryStatements.class),
            VendorClasses.extend(
                PrimaryCallableStatement.class,
                org.postgresql.PGStatement.class,
                null,
                Calls.class));
      } catch (RuntimeException e) {
        return failed("org.postgresql.PGConnection", e);
      }
    }
  }

  /** Connector/J: every method of its connection interface is vendor access. */
  private static final class MySql {

    static final VendorTypes TYPES = make();

    private static VendorTypes make() {
      try {
        Class<?> iface =
            Class.forName("com.mysql.cj.jdbc.JdbcConnection", false, MySql.class.getClassLoader());
        return new VendorTypes(
            VendorClasses.extend(LogicalConnection.class, iface, null, Connections.class),
            PLAIN.statements,
            PLAIN.routed,
            PLAIN.primary,
            PLAIN.calls);
      } catch (ClassNotFoundException | RuntimeException e) {
        return failed(
            "com.mysql.cj.jdbc.JdbcConnection",
            e instanceof RuntimeException r ? r : new IllegalStateException(e));
      }
    }
  }
}
