package dev.lagwise;

import java.net.PasswordAuthentication;
import java.sql.SQLException;

/**
 * The user and password for one vendor connection, asked for each time Lagwise opens one: the
 * application's connections to every host, and the cluster monitor's probe connections while the
 * latest connection that got in used this provider. For credentials that rotate: RDS IAM
 * authentication tokens (valid 15 minutes), Vault database leases, a password file an operator
 * rewrites.
 *
 * <p>Configure it with {@code lagwise.credentialsProvider=<class name>} (a public class with a
 * public no-argument constructor; one instance per cluster in this JVM) or give an instance to
 * {@link LagwiseDataSource#setCredentials(CredentialsProvider)}. It is called on connect paths
 * only, never per statement, possibly from the monitor's threads at the same time as from the
 * application's: implementations must be thread-safe and should cache what is expensive to get (a
 * token until shortly before it expires).
 */
@FunctionalInterface
public interface CredentialsProvider {

  /**
   * Credentials to log in with now.
   *
   * @param user the user the connection was configured with (URL user-info, {@code user} property
   *     or parameter); empty when none
   * @return the user name (null or empty: {@code user}) and the password; never null
   * @throws SQLException when no credentials can be had: the connect fails with it
   */
  PasswordAuthentication get(String user) throws SQLException;
}
