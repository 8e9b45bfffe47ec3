package dev.lagwise.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Removes what a JVM killed with SIGKILL left behind: its shutdown hook never ran, so its servers
 * still run and its directories remain. Each cluster directory records its owner JVM ({@value
 * #OWNER}: pid and start time, robust against pid reuse); a directory whose owner is gone is
 * reclaimed when the next cluster starts.
 */
final class PgOrphans {

  static final String PREFIX = "lagwise-pg-";
  private static final String OWNER = "owner";

  private PgOrphans() {}

  /**
   * Where cluster directories go: system property {@code lagwise.testkit.dir} if set, else {@code
   * /dev/shm} when it is large (initdb, the replica copies and WAL writes are several times faster
   * in memory than on a busy disk; a container's default 64 MB is too small), else {@code
   * java.io.tmpdir}.
   */
  static Path parentDir() {
    String configured = System.getProperty("lagwise.testkit.dir");
    if (configured != null) {
      return Path.of(configured);
    }
    Path shm = Path.of("/dev/shm");
    try {
      if (Files.isDirectory(shm)
          && Files.isWritable(shm)
          && Files.getFileStore(shm).getUsableSpace() >= 2L << 30) {
        return shm;
      }
    } catch (IOException e) {
      // fall through to the temporary directory
    }
    return Path.of(System.getProperty("java.io.tmpdir"));
  }

  static void markOwned(Path clusterDir) throws IOException {
    ProcessHandle me = ProcessHandle.current();
    Files.writeString(
        clusterDir.resolve(OWNER), me.pid() + " " + startOf(me), StandardCharsets.UTF_8);
  }

  static void reclaim(Path tmp) {
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, PREFIX + "*")) {
      for (Path dir : dirs) {
        try {
          if (ownerGone(dir)) {
            killServers(dir);
            Archives.deleteTree(dir);
          }
        } catch (IOException | RuntimeException e) {
          System.err.println("lagwise-testkit: cannot reclaim " + dir + ": " + e);
        }
      }
    } catch (IOException e) {
      System.err.println("lagwise-testkit: cannot list " + tmp + ": " + e);
    }
  }

  private static boolean ownerGone(Path dir) throws IOException {
    Path owner = dir.resolve(OWNER);
    if (!Files.isRegularFile(owner)) {
      return false; // being created, or not ours
    }
    String[] f = Files.readString(owner, StandardCharsets.UTF_8).trim().split(" ");
    Optional<ProcessHandle> p = ProcessHandle.of(Long.parseLong(f[0]));
    return p.isEmpty() || !p.get().isAlive() || !startOf(p.get()).equals(f[1]);
  }

  /** SIGKILL to each postmaster still running from this directory, and to its backends. */
  private static void killServers(Path dir) throws IOException {
    try (DirectoryStream<Path> nodes = Files.newDirectoryStream(dir, Files::isDirectory)) {
      for (Path node : nodes) {
        Path pidFile = node.resolve("data/postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
          continue;
        }
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        long pid = Long.parseLong(lines.get(0).trim());
        // only a process that really serves this data directory, in case the pid was reused
        boolean ours =
            ProcessHandle.of(pid)
                .flatMap(h -> h.info().commandLine())
                .map(c -> c.contains(node.resolve("data").toString()))
                .orElse(false);
        if (ours) {
          Processes.signalTree(pid, "KILL");
        }
      }
    }
  }

  private static String startOf(ProcessHandle p) {
    return p.info().startInstant().map(Instant::toString).orElse("?");
  }
}
