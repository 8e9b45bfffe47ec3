package dev.lagwise.jdbc;

import dev.lagwise.CredentialsProvider;
import java.net.PasswordAuthentication;
import java.sql.SQLException;
import java.util.Properties;

/**
 * The vendor properties of one connect, with the credentials a {@link CredentialsProvider} gives at
 * that moment, and the password in them (to scrub from the vendor's messages; never to show).
 */
record Login(Properties properties, String password) {

  /** {@code base} as is when {@code provider} is null, else a copy with its user and password. */
  static Login of(Properties base, String user, String password, CredentialsProvider provider)
      throws SQLException {
    if (provider == null) {
      return new Login(base, password);
    }
    PasswordAuthentication a;
    try {
      a = provider.get(user);
    } catch (RuntimeException e) {
      throw new SQLException(
          "The credentials provider " + provider.getClass().getName() + " failed: " + e,
          Errors.CONNECTION_FAILED,
          e);
    }
    if (a == null) {
      throw new SQLException(
          "The credentials provider " + provider.getClass().getName() + " returned null",
          Errors.CONNECTION_FAILED);
    }
    Properties p = new Properties();
    p.putAll(base);
    if (a.getUserName() != null && !a.getUserName().isEmpty()) {
      p.setProperty("user", a.getUserName());
    }
    String secret = new String(a.getPassword());
    p.setProperty("password", secret);
    return new Login(p, secret);
  }

  /**
   * The provider named by {@code lagwise.credentialsProvider}, a new instance.
   *
   * @throws SQLException 22023 naming the class and what is wrong with it
   */
  static CredentialsProvider instantiate(String className) throws SQLException {
    Class<?> type;
    try {
      ClassLoader context = Thread.currentThread().getContextClassLoader();
      type =
          Class.forName(className, true, context != null ? context : Login.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw bad(className, "the class cannot be loaded (" + e + ")");
    }
    if (!CredentialsProvider.class.isAssignableFrom(type)) {
      throw bad(className, "it does not implement " + CredentialsProvider.class.getName());
    }
    try {
      return (CredentialsProvider) type.getConstructor().newInstance();
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw bad(className, "it has no public no-argument constructor that works (" + e + ")");
    }
  }

  private static SQLException bad(String className, String why) {
    return Errors.invalid(
        "Invalid value '" + className + "' for lagwise.credentialsProvider: " + why);
  }
}
