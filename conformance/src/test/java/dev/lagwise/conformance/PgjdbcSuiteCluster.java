package dev.lagwise.conformance;

import dev.lagwise.testkit.Node;
import dev.lagwise.testkit.PostgresCluster;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Starts the one testkit cluster (primary + 2 streaming replicas) that PgJDBC's suite runs against,
 * before the launcher discovers any test, and stops it when the session closes.
 *
 * <p>PgJDBC's {@code TestUtil} reads its server, credentials and URL from system properties that
 * win over its {@code build.properties}; this class sets them. {@code conformance.target} picks the
 * side: {@code vendor} builds {@code jdbc:postgresql://primary/test}, {@code lagwise} builds {@code
 * jdbc:lagwise:postgresql://primary,replica1,replica2/test} (the two {@code conformance.url.*}
 * properties are read by the adapted {@code TestUtil.getURL}). Both sides get the same cluster
 * shape, so a difference between them is the driver's.
 *
 * <p>The roles and settings are what PgJDBC's CI server has: database {@code test} owned by {@code
 * test}/{@code test}, a superuser {@code postgres}, {@code hstore}, prepared transactions.
 */
public final class PgjdbcSuiteCluster implements LauncherSessionListener {

  static final String USER = "test";
  static final String PASSWORD = "test";
  static final String PRIVILEGED_USER = "postgres";
  static final String PRIVILEGED_PASSWORD = "postgres";

  private PostgresCluster cluster;

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    String target = System.getProperty("conformance.target", "lagwise").toLowerCase(Locale.ROOT);
    if (!target.equals("vendor") && !target.equals("lagwise")) {
      throw new IllegalArgumentException(
          "conformance.target must be vendor or lagwise, got " + target);
    }
    long started = System.nanoTime();
    cluster =
        PostgresCluster.builder()
            .replicas(2)
            // PgJDBC's XA and two-phase tests; replicas need at least the primary's value
            .setting("max_prepared_transactions", "10")
            .start();
    try {
      prepare(cluster);
    } catch (SQLException e) {
      cluster.close();
      throw new IllegalStateException("cannot prepare " + cluster + " for PgJDBC's suite", e);
    }
    Node primary = cluster.primary();
    List<Node> replicas = cluster.replicas();
    set("test.url.PGHOST", primary.host());
    set("test.url.PGPORT", Integer.toString(primary.port()));
    set("test.url.PGDBNAME", cluster.database());
    set("user", USER);
    set("password", PASSWORD);
    set("privilegedUser", PRIVILEGED_USER);
    set("privilegedPassword", PRIVILEGED_PASSWORD);
    for (int i = 0; i < replicas.size(); i++) {
      set("secondaryServer" + (i + 1), replicas.get(i).host());
      set("secondaryPort" + (i + 1), Integer.toString(replicas.get(i).port()));
    }
    StringBuilder moreHosts = new StringBuilder();
    if (target.equals("lagwise")) {
      set("conformance.url.prefix", "jdbc:lagwise:postgresql://");
      for (Node r : replicas) {
        moreHosts.append(',').append(r.host()).append(':').append(r.port());
      }
    } else {
      set("conformance.url.prefix", "jdbc:postgresql://");
    }
    set("conformance.url.moreHosts", moreHosts.toString());
    System.out.printf(
        Locale.ROOT,
        "lagwise-conformance: target %s, %s ready in %d ms%n",
        target,
        cluster,
        Duration.ofNanos(System.nanoTime() - started).toMillis());
  }

  @Override
  public void launcherSessionClosed(LauncherSession session) {
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
  }

  private static void prepare(PostgresCluster cluster) throws SQLException {
    try (Connection c = cluster.primary().connect();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE ROLE "
              + PRIVILEGED_USER
              + " SUPERUSER LOGIN REPLICATION PASSWORD '"
              + PRIVILEGED_PASSWORD
              + "'");
      s.execute("CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD + "'");
      s.execute("ALTER DATABASE " + cluster.database() + " OWNER TO " + USER);
      s.execute("ALTER SCHEMA public OWNER TO " + USER);
      s.execute("CREATE EXTENSION hstore");
    }
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(60));
  }

  private static void set(String name, String value) {
    System.setProperty(name, value);
  }
}
