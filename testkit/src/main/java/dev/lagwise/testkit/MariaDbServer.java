package dev.lagwise.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * One mariadbd process over one data directory: command line, readiness, signals.
 *
 * <p>The data directory and, after the first start, the port stay the same across restarts, so a
 * replica finds its primary again and resumes replication by itself. Not thread-safe; {@link
 * MariaDbNode} serialises calls.
 */
final class MariaDbServer {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final int PORT_ATTEMPTS = 5;

  private final MariaDbBinaries binaries;
  private final Path dir;
  private final int serverId;
  private final List<String> extraArgs;
  private int port;
  private volatile Process process;
  private volatile boolean hung;

  MariaDbServer(MariaDbBinaries binaries, Path dir, int serverId, List<String> extraArgs) {
    this.binaries = binaries;
    this.dir = dir;
    this.serverId = serverId;
    this.extraArgs = List.copyOf(extraArgs);
  }

  Path dataDir() {
    return dir.resolve("data");
  }

  Path errorLog() {
    return dir.resolve("error.log");
  }

  private Path pidFile() {
    return dir.resolve("mysqld.pid");
  }

  int port() {
    return port;
  }

  long pid() {
    return process == null ? -1 : process.pid();
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  boolean isHung() {
    return hung;
  }

  /**
   * First start: tries ports from {@code ports} until one binds, since a port found free a moment
   * ago may have been taken since by anyone on the machine.
   */
  void firstStart(IntSupplier ports, boolean readOnly) {
    for (int attempt = 1; ; attempt++) {
      port = ports.getAsInt();
      try {
        launch(readOnly);
        return;
      } catch (PortInUseException e) {
        if (attempt == PORT_ATTEMPTS) {
          throw new IllegalStateException(
              "MariaDB found no free port after " + PORT_ATTEMPTS + " attempts", e);
        }
      }
    }
  }

  /** Starts on the current port and data directory; returns once a JDBC login succeeds. */
  void start(boolean readOnly) {
    try {
      launch(readOnly);
    } catch (PortInUseException e) {
      throw failure(
          "could not bind its port, which another process took meanwhile", command(readOnly));
    }
  }

  private void launch(boolean readOnly) {
    if (isAlive()) {
      return;
    }
    List<String> command = command(readOnly);
    try {
      Files.createDirectories(dir.resolve("tmp"));
      Files.deleteIfExists(pidFile()); // left behind by a kill; readiness waits for a new one
      process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
    }
    hung = false;
    awaitReady(command);
  }

  private List<String> command(boolean readOnly) {
    List<String> c = new ArrayList<>();
    c.add(binaries.mariadbd().toString());
    c.add("--no-defaults"); // must come first: never read /etc/mysql or ~/.my.cnf
    if (Processes.runningAsRoot()) {
      c.add("--user=root"); // mariadbd refuses root unless told so
    }
    c.add("--basedir=" + binaries.baseDir());
    c.add("--datadir=" + dataDir());
    c.add("--tmpdir=" + dir.resolve("tmp"));
    c.add("--port=" + port);
    c.add("--bind-address=127.0.0.1");
    c.add("--socket=" + dir.resolve("mysqld.sock"));
    c.add("--pid-file=" + pidFile());
    c.add("--log-error=" + errorLog());
    c.add("--init-file=" + dir.resolve("init.sql"));
    c.add("--server-id=" + serverId);
    c.add("--log-bin=binlog");
    c.add("--relay-log=relay");
    c.add("--log-slave-updates"); // a promoted replica must have every transaction in its binlog
    c.add("--binlog-format=ROW");
    c.add("--gtid-strict-mode=1");
    c.add("--read-only=" + (readOnly ? "1" : "0")); // survives restarts, unlike SET GLOBAL
    // Short enough that a replica notices a dead primary quickly; the reconnect interval is set
    // with MASTER_CONNECT_RETRY.
    c.add("--slave-net-timeout=10");
    c.add("--skip-name-resolve");
    c.add("--character-set-server=utf8mb4");
    // Speed and footprint over durability: these are throwaway test servers. A SIGKILL loses
    // nothing either way, since the kernel still holds what the process wrote.
    c.add("--innodb-buffer-pool-size=32M");
    c.add("--innodb-log-file-size=16M");
    c.add("--innodb-flush-log-at-trx-commit=2");
    c.add("--innodb-doublewrite=0");
    c.add("--sync-binlog=0");
    // Native AIO fails in some containers and sandboxes; simulated AIO works everywhere.
    c.add("--innodb-use-native-aio=0");
    c.addAll(extraArgs);
    return c;
  }

  private void awaitReady(List<String> command) {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    SQLException last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        waitQuietly(process, Duration.ofSeconds(5));
        String log = MariaDbFiles.tail(errorLog(), 30);
        if (log.contains("Address already in use") || log.contains("Bind on TCP/IP port")) {
          throw new PortInUseException();
        }
        throw failure("exited with code " + process.exitValue(), command);
      }
      if (!Files.exists(pidFile())) {
        // mariadbd writes it only after binding its port; until then a login could reach
        // whoever else listens there.
        sleep(50);
        continue;
      }
      try (Connection c = MariaDbSql.admin(port, Duration.ofSeconds(5))) {
        // Anything else listening on our port would accept the login too: check it is ours.
        String served = MariaDbSql.queryString(c, "SELECT @@pid_file");
        if (pidFile().toString().equals(served)) {
          return;
        }
        kill(); // ours will fail to bind, or already has
        throw new PortInUseException();
      } catch (SQLException e) {
        last = e;
      }
      sleep(100);
    }
    kill();
    IllegalStateException e =
        failure("was not ready within " + READY_TIMEOUT.toSeconds() + " s", command);
    if (last != null) {
      e.addSuppressed(last);
    }
    throw e;
  }

  private IllegalStateException failure(String what, List<String> command) {
    return new IllegalStateException(
        "MariaDB server in "
            + dir
            + " "
            + what
            + " (port "
            + port
            + ").\nCommand: "
            + String.join(" ", command)
            + "\nLast lines of "
            + errorLog()
            + ":\n"
            + MariaDbFiles.tail(errorLog(), 30));
  }

  /** SIGTERM and wait; SIGKILL if the server does not finish in time. */
  void stop() {
    beginStop();
    awaitStopped();
  }

  /** Sends SIGTERM without waiting, so a cluster can stop all its servers at once. */
  void beginStop() {
    if (!isAlive()) {
      return;
    }
    unhang(); // a stopped process would never act on SIGTERM
    process.destroy();
  }

  void awaitStopped() {
    if (process == null) {
      return;
    }
    if (!waitQuietly(process, STOP_TIMEOUT)) {
      kill();
    }
  }

  void kill() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    waitQuietly(process, STOP_TIMEOUT);
    hung = false;
  }

  void hang() {
    if (isAlive()) {
      Processes.signalTree(process.pid(), "STOP");
      hung = true;
    }
  }

  void unhang() {
    if (hung && isAlive()) {
      Processes.signalTree(process.pid(), "CONT");
    }
    hung = false;
  }

  private static boolean waitQuietly(Process p, Duration timeout) {
    try {
      return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !p.isAlive();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for MariaDB", e);
    }
  }

  /** The server could not bind its port; the first start tries another one. */
  private static final class PortInUseException extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }
}
