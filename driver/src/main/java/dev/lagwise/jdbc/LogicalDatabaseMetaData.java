package dev.lagwise.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;

/**
 * The vendor's metadata, from whichever host was open; {@link #getConnection} and {@link #getURL}
 * are Lagwise's, every other method a straight delegate generated at build time ({@link
 * DelegateFactory#metaData}).
 */
abstract class LogicalDatabaseMetaData implements DatabaseMetaData {

  final DatabaseMetaData delegate;
  private final LogicalConnection connection;

  LogicalDatabaseMetaData(LogicalConnection connection, DatabaseMetaData delegate) {
    this.delegate = delegate;
    this.connection = connection;
  }

  @Override
  public Connection getConnection() {
    return connection;
  }

  /** The URL the application used, not the host's vendor URL; credentials masked. */
  @Override
  public String getURL() {
    return connection.spec.maskedUrl;
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    return iface.isInstance(this) ? iface.cast(this) : delegate.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return iface.isInstance(this) || delegate.isWrapperFor(iface);
  }
}
