package dev.lagwise.testkit;

import java.util.Locale;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * Whether {@code @ReplicatedCluster(engine = Engine.MYSQL)} classes run, are skipped, or fail.
 *
 * <p>MySQL clusters need a Docker engine, which many machines (and Lagwise's build machines) do not
 * have. Without one a MySQL class is disabled ({@link ClusterExtension}'s execution condition), so
 * reports list each of its tests as skipped with {@link #NO_DOCKER}: never as passed, never as a
 * failure. The system property {@code lagwise.testkit.mysql} overrides that: {@code skip} skips
 * without looking for Docker, {@code require} fails instead of skipping. Decided once per JVM:
 * looking for Docker can take seconds.
 */
final class MySqlAvailability {

  static final String PROPERTY = "lagwise.testkit.mysql";

  static final String NO_DOCKER =
      "MySQL 8.4 suites need a Docker engine (Testcontainers); none is reachable: skipped";

  static final String NO_CLASSES =
      "MySQL 8.4 suites need org.testcontainers:testcontainers-mysql and com.mysql:mysql-connector-j"
          + " on the test classpath; they are missing: skipped";

  private static String missing; // null: usable; else why not; guarded by the class
  private static boolean decided;

  private MySqlAvailability() {}

  /** Why MySQL classes are skipped, or null when they run (also under {@code require}). */
  static String skipReason() {
    switch (mode()) {
      case "skip":
        return "MySQL 8.4 suites skipped: " + PROPERTY + "=skip";
      case "require":
        return null; // require() fails the class instead
      default:
        return whyUnavailable();
    }
  }

  /** Throws when a MySQL cluster cannot start here; the message says why. */
  static void require() {
    String why = whyUnavailable();
    if (why != null) {
      throw new ExtensionConfigurationException(
          why.replace(": skipped", "") + " (" + PROPERTY + "=" + mode() + ")");
    }
  }

  private static String mode() {
    String value = System.getProperty(PROPERTY);
    String mode = value == null ? "auto" : value.trim().toLowerCase(Locale.ROOT);
    if (!mode.equals("auto") && !mode.equals("skip") && !mode.equals("require")) {
      throw new ExtensionConfigurationException(
          "system property "
              + PROPERTY
              + "="
              + value
              + ": allowed are skip, require, or auto (the default: skip only when no Docker"
              + " engine is reachable)");
    }
    return mode;
  }

  private static synchronized String whyUnavailable() {
    if (!decided) {
      missing = probe();
      decided = true;
    }
    return missing;
  }

  private static String probe() {
    ClassLoader loader = MySqlAvailability.class.getClassLoader();
    try {
      Class.forName("com.mysql.cj.jdbc.Driver", false, loader);
      Class.forName("org.testcontainers.DockerClientFactory", false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      return NO_CLASSES;
    }
    try {
      return DockerProbe.reachable() ? null : NO_DOCKER;
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable e) { // whatever Testcontainers throws while looking means: no engine
      return NO_DOCKER;
    }
  }

  /** Separate so that Testcontainers' classes load only once they are known to be present. */
  private static final class DockerProbe {
    static boolean reachable() {
      return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
    }
  }
}
