package dev.lagwise.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;

/**
 * The vendor's metadata; {@link #getConnection} and {@link #getURL} are Lagwise's, every other
 * method a straight delegate generated at build time ({@link DelegateFactory#metaData}) to {@link
 * #delegate()}.
 *
 * <p>Each call is routed as a connection-level call of its own, not to the host that was chosen
 * when {@code getMetaData()} was called: an application keeps the object and queries it after its
 * own writes (a function just created must be in {@code getFunctions}), and those queries must obey
 * the session's consistency as any read does (a replica that has replayed the session's writes,
 * else the primary; never a replica that refuses the session's serializable default).
 */
abstract class LogicalDatabaseMetaData implements DatabaseMetaData {

  private final LogicalConnection connection;

  LogicalDatabaseMetaData(LogicalConnection connection) {
    this.connection = connection;
  }

  /**
   * The vendor metadata of the host this call runs on ({@link
   * LogicalConnection#forConnectionCall}). PgJDBC and Connector/J keep one metadata object per
   * connection, so nothing is allocated.
   */
  DatabaseMetaData delegate() throws SQLException {
    return connection.forConnectionCall().connection.getMetaData();
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
    return iface.isInstance(this) ? iface.cast(this) : delegate().unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return iface.isInstance(this) || delegate().isWrapperFor(iface);
  }
}
