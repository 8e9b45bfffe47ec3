package dev.lagwise.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Creates the data directories: {@code initdb} once for the primary, then byte copies for the
 * replicas.
 *
 * <p>The copies are taken before the primary's first start, so every node begins at the same
 * checkpoint and a replica with {@code standby.signal} can stream from there; this needs neither
 * {@code pg_basebackup} nor {@code psql}, which the Maven-shipped binaries lack.
 */
final class PgDataDirs {

  /**
   * Settings for small, fast, throw-away servers. {@code wal_keep_size} lets a replica that was
   * paused, stopped or hung catch up by streaming instead of needing a new copy.
   */
  private static final Map<String, String> SETTINGS =
      Map.ofEntries(
          Map.entry("listen_addresses", "'" + PgProcess.HOST + "'"),
          Map.entry("unix_socket_directories", "''"),
          Map.entry("max_connections", "100"),
          Map.entry("shared_buffers", "16MB"),
          Map.entry("fsync", "off"),
          Map.entry("full_page_writes", "off"),
          Map.entry("wal_keep_size", "512MB"),
          Map.entry("wal_retrieve_retry_interval", "200ms"),
          // a primary's shutdown waits for its replicas' confirmation; a hung one is dropped here
          Map.entry("wal_sender_timeout", "10s"),
          Map.entry("huge_pages", "off"),
          // posix segments live in /dev/shm and outlive a SIGKILLed server; mmap ones live in
          // the data directory, which close() removes
          Map.entry("dynamic_shared_memory_type", "mmap"),
          Map.entry("jit", "off"),
          Map.entry("logging_collector", "off"),
          Map.entry("log_line_prefix", "'%m [%p] '"));

  private PgDataDirs() {}

  /** Runs {@code initdb} into {@code dataDir} with password authentication for TCP. */
  static void initdb(Path install, Path dataDir, String user, String password) throws IOException {
    Path nodeDir = dataDir.getParent();
    Files.createDirectories(dataDir);
    Archives.setMode(dataDir, PosixFilePermissions.fromString("rwx------"));
    PgRunAs.chownTree(dataDir);
    Path pwfile = nodeDir.resolve("pwfile");
    Path log = nodeDir.resolve("initdb.log");
    Files.writeString(pwfile, password + "\n", StandardCharsets.UTF_8);
    Archives.setMode(pwfile, PosixFilePermissions.fromString("rw-r--r--"));
    List<String> cmd =
        PgRunAs.command(
            List.of(
                install.resolve("bin/initdb").toString(),
                "-D",
                dataDir.toString(),
                "-U",
                user,
                "--pwfile=" + pwfile,
                "--auth-host=scram-sha-256",
                "--auth-local=scram-sha-256",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
                // 1 MB WAL segments instead of 16: each replica copy is 15 MB smaller
                "--wal-segsize=1",
                "--no-instructions"));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(nodeDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("LC_ALL", "C");
    Process p = pb.start();
    try {
      boolean done = p.waitFor(180, TimeUnit.SECONDS);
      if (!done || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException(
            "initdb failed ("
                + (done ? "exit status " + p.exitValue() : "timed out")
                + ")\ncommand: "
                + String.join(" ", cmd)
                + "\noutput:\n"
                + PgProcess.tail(Files.readString(log, StandardCharsets.UTF_8), 30));
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during initdb", e);
    } finally {
      Files.deleteIfExists(pwfile);
    }
  }

  /** Appends testkit's settings, then the caller's (later lines win in postgresql.conf). */
  static void configure(Path dataDir, Map<String, String> extra) throws IOException {
    StringBuilder conf = new StringBuilder("\n# lagwise testkit\n");
    SETTINGS.forEach((k, v) -> conf.append(k).append(" = ").append(v).append('\n'));
    extra.forEach((k, v) -> conf.append(k).append(" = ").append(quote(v)).append('\n'));
    append(dataDir.resolve("postgresql.conf"), conf.toString());
  }

  /** Copies a never-started data directory to {@code target} and marks it a standby. */
  static void copyAsStandby(Path source, Path target) throws IOException {
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(source)) {
      paths = new ArrayList<>(walk.toList());
    }
    for (Path p : paths) {
      Path to = target.resolve(source.relativize(p).toString());
      if (Files.isDirectory(p)) {
        Files.createDirectories(to);
        Files.setPosixFilePermissions(to, Files.getPosixFilePermissions(p));
      } else {
        Files.copy(p, to, StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
    Files.createFile(target.resolve("standby.signal"));
    PgRunAs.chownTree(target);
  }

  /** Points a standby at the primary; written once the primary's port is final. */
  static void followPrimary(Path dataDir, String name, int primaryPort, String user, String pw)
      throws IOException {
    String conninfo =
        "host="
            + PgProcess.HOST
            + " port="
            + primaryPort
            + " user="
            + user
            + " password="
            + pw
            + " application_name="
            + name;
    append(dataDir.resolve("postgresql.conf"), "primary_conninfo = " + quote(conninfo) + "\n");
  }

  private static void append(Path file, String text) throws IOException {
    // appending keeps the file's owner, so no chown is needed afterwards
    Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
  }

  private static String quote(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
  }
}
