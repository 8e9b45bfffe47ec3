package dev.lagwise.jdbc;

import dev.lagwise.CredentialsProvider;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The credentials a cluster's monitor probes with: those of the most recent connection that
 * connected to a host, or that came while no host was up — its password, or its {@link
 * CredentialsProvider}, asked at each probe connect. Not the first connection's forever: a password
 * rotated since, or a wrong one that first connection gave, would lock the monitor out and show
 * every host DOWN to every connection. Only the credentials: the configured user is the cluster's
 * (part of its key), and another connection's vendor properties (a socket factory of its own, say)
 * are not the monitor's business. One volatile reference, so that a probe never pairs one
 * connection's provider with another's password.
 *
 * <p>Also holds the cluster's {@code lagwise.credentialsProvider} instances, one per class name, so
 * that what a provider caches (a token) serves every connection and the monitor.
 */
final class ProbeCredentials {

  private record Current(String password, CredentialsProvider provider) {}

  /** The cluster's first connection: its vendor properties and user are the monitor's. */
  private final ConnectionSpec first;

  private final ConcurrentHashMap<String, CredentialsProvider> providers =
      new ConcurrentHashMap<>();

  private volatile Current current;

  ProbeCredentials(ConnectionSpec first) throws SQLException {
    this.first = first;
    this.current = new Current(first.password(), withProvider(first).credentials);
  }

  /**
   * The monitor's probes use {@code s}'s credentials from now on; true when that is a change (the
   * caller then asks every host again).
   */
  boolean useCredentialsOf(ConnectionSpec s) {
    Current now = current;
    if (s.credentials != null) {
      if (s.credentials != now.provider()) {
        current = new Current(null, s.credentials);
        return true;
      }
      return false;
    }
    String p = s.password();
    if (p != null && (now.provider() != null || !p.equals(now.password()))) {
      current = new Current(p, null);
      return true;
    }
    return false;
  }

  /**
   * {@code s} with the instance of the provider its {@code lagwise.credentialsProvider} names;
   * {@code s} itself when it has an instance already or names none.
   *
   * @throws SQLException 22023 when the class cannot be made a provider
   */
  ConnectionSpec withProvider(ConnectionSpec s) throws SQLException {
    String name = s.settings.credentialsProvider;
    if (s.credentials != null || name.isEmpty()) {
      return s;
    }
    CredentialsProvider p = providers.get(name);
    if (p == null) {
      CredentialsProvider made = Login.instantiate(name);
      p = providers.putIfAbsent(name, made);
      p = p == null ? made : p;
    }
    return s.withCredentials(p);
  }

  /** The first connection's vendor properties with the current credentials; per probe connect. */
  Properties properties() throws SQLException {
    Current c = current;
    if (c.provider() != null) {
      return Login.of(first.vendorProperties, first.user(), null, c.provider()).properties();
    }
    String p = c.password();
    if (p == null || p.equals(first.password())) {
      return first.vendorProperties;
    }
    Properties withPassword = new Properties();
    withPassword.putAll(first.vendorProperties);
    withPassword.setProperty("password", p);
    return withPassword;
  }
}
