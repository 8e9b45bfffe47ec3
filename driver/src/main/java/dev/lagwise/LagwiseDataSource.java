package dev.lagwise;

import dev.lagwise.jdbc.Connector;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} for configuration by class name (HikariCP {@code dataSourceClassName},
 * Spring {@code spring.datasource.*}). Bean properties: {@code url}, {@code user}, {@code
 * password}, one setter per {@link LagwiseProperty} (e.g. {@code maxLag}), and {@link #setProperty}
 * for anything the vendor driver takes.
 */
public class LagwiseDataSource implements DataSource {

  private String url;
  private final Properties properties = new Properties();
  private int loginTimeoutSeconds;
  private PrintWriter logWriter;
  private volatile CredentialsProvider credentials;

  public String getUrl() {
    return url;
  }

  public void setUrl(String url) {
    this.url = url;
  }

  /** Alias of {@link #setUrl}, the spelling some tools use. */
  public void setURL(String url) {
    this.url = url;
  }

  public String getUser() {
    return properties.getProperty("user");
  }

  public void setUser(String user) {
    set("user", user);
  }

  /** Alias of {@link #setUser} for tools that say username. */
  public void setUsername(String user) {
    set("user", user);
  }

  /** Stored for connecting; never shown by {@link #toString()} or in messages. */
  public void setPassword(String password) {
    set("password", password);
  }

  /** Any property: {@code lagwise.*} for Lagwise, anything else for the vendor driver. */
  public void setProperty(String name, String value) {
    set(name, value);
  }

  public String getProperty(String name) {
    return properties.getProperty(name);
  }

  public void setLoadBalance(String value) {
    set(LagwiseProperty.LOAD_BALANCE.key(), value);
  }

  public void setConsistency(String value) {
    set(LagwiseProperty.CONSISTENCY.key(), value);
  }

  public void setCapture(String value) {
    set(LagwiseProperty.CAPTURE.key(), value);
  }

  public void setWaitForReplica(String value) {
    set(LagwiseProperty.WAIT_FOR_REPLICA.key(), value);
  }

  public void setMaxLag(String value) {
    set(LagwiseProperty.MAX_LAG.key(), value);
  }

  public void setPrimaryLossReads(String value) {
    set(LagwiseProperty.PRIMARY_LOSS_READS.key(), value);
  }

  public void setReplicaSafeFunctions(String value) {
    set(LagwiseProperty.REPLICA_SAFE_FUNCTIONS.key(), value);
  }

  public void setCatalogFunctions(String value) {
    set(LagwiseProperty.CATALOG_FUNCTIONS.key(), value);
  }

  public void setPollInterval(String value) {
    set(LagwiseProperty.POLL_INTERVAL.key(), value);
  }

  public void setProbeTimeout(String value) {
    set(LagwiseProperty.PROBE_TIMEOUT.key(), value);
  }

  /**
   * Asked for the user and password of every vendor connection (and of the monitor's probes, see
   * {@link CredentialsProvider}); wins over {@link #setCredentialsProvider(String)}; null: none.
   */
  public void setCredentials(CredentialsProvider provider) {
    this.credentials = provider;
  }

  public CredentialsProvider getCredentials() {
    return credentials;
  }

  public void setClusterIdleTimeout(String value) {
    set(LagwiseProperty.CLUSTER_IDLE_TIMEOUT.key(), value);
  }

  /** A class name; {@link #setCredentialsProvider(CredentialsProvider)} takes an instance. */
  public void setCredentialsProvider(String className) {
    set(LagwiseProperty.CREDENTIALS_PROVIDER.key(), className);
  }

  private void set(String name, String value) {
    if (value == null) {
      properties.remove(name);
    } else {
      properties.setProperty(name, value);
    }
  }

  @Override
  public Connection getConnection() throws SQLException {
    if (url == null) {
      throw new SQLException("LagwiseDataSource has no url: call setUrl", "08001");
    }
    return Connector.connect(url, properties, credentials);
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    Properties p = new Properties();
    p.putAll(properties);
    if (username != null) {
      p.setProperty("user", username);
    }
    if (password != null) {
      p.setProperty("password", password);
      p.remove(LagwiseProperty.CREDENTIALS_PROVIDER.key());
    }
    if (url == null) {
      throw new SQLException("LagwiseDataSource has no url: call setUrl", "08001");
    }
    // Credentials given here win over a provider's.
    return Connector.connect(url, p, password != null ? null : credentials);
  }

  /**
   * Routing statistics of this DataSource's cluster (its url and user) in this JVM, shared with
   * every other connection to that cluster. Connects to nothing.
   *
   * @throws SQLException SQLState HY010 before the first connection to that cluster in this JVM
   */
  public LagwiseStats stats() throws SQLException {
    if (url == null) {
      throw new SQLException("LagwiseDataSource has no url: call setUrl", "08001");
    }
    return Connector.stats(url, properties);
  }

  @Override
  public PrintWriter getLogWriter() {
    return logWriter;
  }

  @Override
  public void setLogWriter(PrintWriter out) {
    this.logWriter = out;
  }

  @Override
  public void setLoginTimeout(int seconds) {
    this.loginTimeoutSeconds = seconds;
    set("loginTimeout", seconds > 0 ? Integer.toString(seconds) : null);
  }

  @Override
  public int getLoginTimeout() {
    return loginTimeoutSeconds;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return Logger.getLogger("dev.lagwise");
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw new SQLException("LagwiseDataSource is not a wrapper for " + iface.getName());
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }

  @Override
  public String toString() {
    return "LagwiseDataSource[" + Connector.maskUrl(url) + ", user=" + getUser() + "]";
  }
}
