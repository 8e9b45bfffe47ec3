package dev.lagwise.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Removes what a JVM that died without running its shutdown hook (SIGKILL, a surefire fork killed
 * on timeout) left behind: its mariadbd processes and its cluster directory.
 *
 * <p>Every cluster directory holds an {@code owner} file naming its JVM (pid and start time, so a
 * reused pid is not mistaken for it). A directory whose owner is gone is an orphan; a server is
 * killed only when its command line names that directory, never by pid alone.
 */
final class MariaDbReaper {

  static final String PREFIX = "lagwise-mariadb-";
  private static final String OWNER_FILE = "owner";

  private MariaDbReaper() {}

  /** Marks {@code clusterDir} as belonging to this JVM. */
  static void claim(Path clusterDir) {
    try {
      Files.writeString(
          clusterDir.resolve(OWNER_FILE),
          identity(ProcessHandle.current()),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + clusterDir.resolve(OWNER_FILE), e);
    }
  }

  /** Best effort: an orphan that cannot be removed is left alone, never a reason to fail. */
  static void reapOrphans(Path tmpDir) {
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmpDir, PREFIX + "*")) {
      for (Path dir : dirs) {
        try {
          if (Files.isWritable(dir) && isOrphan(dir)) {
            killServers(dir);
            Archives.deleteTree(dir);
          }
        } catch (IOException | RuntimeException e) {
          System.err.println("lagwise-testkit: cannot remove orphan " + dir + ": " + e);
        }
      }
    } catch (IOException e) {
      System.err.println("lagwise-testkit: cannot look for orphaned MariaDB servers: " + e);
    }
  }

  private static boolean isOrphan(Path dir) throws IOException {
    Path owner = dir.resolve(OWNER_FILE);
    if (!Files.isRegularFile(owner)) {
      return false; // being created right now, or not ours
    }
    String recorded = Files.readString(owner, StandardCharsets.UTF_8).trim();
    long pid = Long.parseLong(recorded.split(" ", 2)[0]);
    Optional<ProcessHandle> alive = ProcessHandle.of(pid);
    return alive.isEmpty() || !identity(alive.get()).equals(recorded);
  }

  private static void killServers(Path dir) throws IOException {
    try (DirectoryStream<Path> nodes = Files.newDirectoryStream(dir)) {
      for (Path node : nodes) {
        Path pidFile = node.resolve("mysqld.pid");
        if (!Files.isRegularFile(pidFile)) {
          continue;
        }
        long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim());
        ProcessHandle.of(pid)
            .filter(p -> p.info().commandLine().orElse("").contains(node.toString()))
            .ifPresent(
                p -> {
                  Processes.signal(pid, "KILL");
                  p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> p).join();
                });
      }
    }
  }

  private static String identity(ProcessHandle p) {
    return p.pid() + " " + p.info().startInstant().map(Object::toString).orElse("?");
  }
}
