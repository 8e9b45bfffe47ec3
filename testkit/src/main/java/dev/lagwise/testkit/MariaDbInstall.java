package dev.lagwise.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Creates node directories: {@code mariadb-install-db} runs once into a template data directory,
 * which is copied for every node before any server starts.
 *
 * <p>A fresh data directory holds no server identity (MariaDB has no server UUID file, and the
 * template is written without a binary log), so copies are as good as separate installs and much
 * faster. Users cannot be created by install-db, which bootstraps without grant tables; each node
 * gets them from an init file instead, with the binary log off so they never replicate.
 */
final class MariaDbInstall {

  private MariaDbInstall() {}

  /**
   * A data directory to copy nodes from. It is made once per machine, user and version next to the
   * binaries (install-db takes seconds on a busy machine; a copy takes a fraction of one), or in
   * {@code clusterDir} when that cache cannot be written.
   */
  static synchronized Path template(MariaDbBinaries binaries, Path clusterDir, Duration timeout) {
    Path cached =
        binaries
            .baseDir()
            .resolveSibling(
                binaries.baseDir().getFileName()
                    + "-datadir-v1-"
                    + System.getProperty("user.name"));
    if (Files.isDirectory(cached)) {
      return cached;
    }
    Path tmp;
    try {
      tmp = Files.createTempDirectory(cached.getParent(), cached.getFileName() + ".tmp-");
    } catch (IOException e) {
      Path local = clusterDir.resolve("template");
      installDb(binaries, local, timeout);
      return local;
    }
    try {
      installDb(binaries, tmp.resolve("data"), timeout);
      try {
        Files.move(tmp.resolve("data"), cached, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
        // another JVM made the same template first
      }
      return cached;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move the template data directory to " + cached, e);
    } finally {
      Archives.deleteTree(tmp);
    }
  }

  private static void installDb(MariaDbBinaries binaries, Path dataDir, Duration timeout) {
    List<String> command = new ArrayList<>();
    command.add(binaries.installDb().toString());
    command.add("--no-defaults");
    command.add("--basedir=" + binaries.baseDir());
    command.add("--datadir=" + dataDir);
    command.add("--skip-test-db");
    command.add("--skip-name-resolve");
    command.add("--force"); // no DNS needed
    if (Processes.runningAsRoot()) {
      command.add("--user=root");
    }
    // Passed through to the bootstrap server; keeps the template small.
    command.add("--innodb-log-file-size=16M");
    command.add("--innodb-use-native-aio=0");
    Path log = dataDir.resolveSibling("install-db.log");
    try {
      Process p =
          new ProcessBuilder(command)
              .directory(dataDir.getParent().toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        throw failure("did not finish within " + timeout.toSeconds() + " s", command, log);
      }
      if (p.exitValue() != 0) {
        throw failure("failed with exit code " + p.exitValue(), command, log);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running mariadb-install-db", e);
    }
  }

  private static IllegalStateException failure(String what, List<String> command, Path log) {
    return new IllegalStateException(
        "mariadb-install-db "
            + what
            + ".\nCommand: "
            + String.join(" ", command)
            + "\nLast lines of "
            + log
            + ":\n"
            + MariaDbFiles.tail(log, 30));
  }

  /** Copies the template into {@code nodeDir/data} and writes the node's init file. */
  static void prepareNode(Path template, Path nodeDir, String user, String password) {
    try {
      Files.createDirectories(nodeDir);
      copyTree(template, nodeDir.resolve("data"));
      Files.writeString(
          nodeDir.resolve("init.sql"), initSql(user, password), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + nodeDir, e);
    }
  }

  /**
   * Runs at every start (so it must be idempotent), with every privilege, before the server accepts
   * connections. READ_ONLY ADMIN is what lets a user write despite {@code read_only} in MariaDB
   * 10.11, so the application user does not get it: a write sent to a replica fails as it would in
   * production instead of silently forking the replica's GTID history.
   */
  private static String initSql(String user, String password) {
    String app = "'" + user + "'@'%'";
    String admin = "'" + MariaDbSql.ADMIN_USER + "'@'127.0.0.1'";
    return "SET sql_log_bin=0;\n"
        + "CREATE USER IF NOT EXISTS "
        + app
        + " IDENTIFIED BY '"
        + password
        + "';\n"
        + "GRANT ALL PRIVILEGES ON *.* TO "
        + app
        + " WITH GRANT OPTION;\n"
        + "REVOKE READ_ONLY ADMIN ON *.* FROM "
        + app
        + ";\n"
        + "CREATE USER IF NOT EXISTS "
        + admin
        + " IDENTIFIED BY '"
        + MariaDbSql.ADMIN_PASSWORD
        + "';\n"
        + "GRANT ALL PRIVILEGES ON *.* TO "
        + admin
        + " WITH GRANT OPTION;\n";
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }
}
