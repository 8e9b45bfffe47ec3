package dev.lagwise.testkit;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The {@code postgres} server process of one node, started directly (not through {@code pg_ctl}) so
 * that testkit owns the postmaster's PID and can signal it and its backends.
 *
 * <p>Invariant: {@link #hung} is true only while the postmaster and all its children are stopped by
 * SIGSTOP; every path that ends or waits on the process resumes it first.
 */
final class PgProcess {

  static final String HOST = "127.0.0.1";
  private static final org.postgresql.Driver DRIVER = new org.postgresql.Driver();
  private static final long START_TIMEOUT_SECONDS = 120;
  private static final long STOP_TIMEOUT_SECONDS = 60;

  private final String name;
  private final Path install;
  private final Path dataDir;
  private final Path log;
  private final String user;
  private final String password;
  private volatile int port;
  private volatile Process process;
  private volatile boolean hung;

  PgProcess(String name, Path install, Path nodeDir, String user, String password) {
    this.name = name;
    this.install = install;
    this.dataDir = nodeDir.resolve("data");
    this.log = nodeDir.resolve("server.log");
    this.user = user;
    this.password = password;
  }

  Path dataDir() {
    return dataDir;
  }

  int port() {
    return port;
  }

  boolean isRunning() {
    Process p = process;
    return p != null && p.isAlive();
  }

  boolean isHung() {
    return hung;
  }

  /** The postmaster, while one was started; for tests that check nothing survives. */
  java.util.Optional<ProcessHandle> handle() {
    Process p = process;
    return p == null ? java.util.Optional.empty() : java.util.Optional.of(p.toHandle());
  }

  /**
   * Starts the server and waits until it accepts a JDBC login. On the first start ({@code newPort})
   * a port that was taken meanwhile is replaced by another; later starts keep the port, because
   * URLs handed out already name it.
   */
  synchronized void start(boolean newPort) {
    if (isRunning()) {
      return;
    }
    for (int attempt = 1; ; attempt++) {
      if (newPort) {
        port = Processes.freePort();
      }
      long logStart = logSize();
      List<String> cmd =
          PgRunAs.command(
              List.of(
                  install.resolve("bin/postgres").toString(),
                  "-D",
                  dataDir.toString(),
                  "-p",
                  Integer.toString(port)));
      String failure = launchAndAwait(cmd, logStart);
      if (failure == null) {
        return;
      }
      String newLog = logSince(logStart);
      if (newPort && attempt < 5 && newLog.contains("Address already in use")) {
        continue;
      }
      throw new IllegalStateException(
          "PostgreSQL node "
              + name
              + " did not start on "
              + HOST
              + ":"
              + port
              + ": "
              + failure
              + "\ncommand: "
              + String.join(" ", cmd)
              + "\nlog "
              + log
              + " (tail):\n"
              + tail(newLog, 30));
    }
  }

  /** Returns null when the server is ready, else why not (the process is then gone). */
  private String launchAndAwait(List<String> cmd, long logStart) {
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(dataDir.getParent().toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().put("LC_ALL", "C");
    try {
      process = pb.start();
    } catch (IOException e) {
      return "cannot run it: " + e.getMessage();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
    String lastError = "";
    while (true) {
      if (!process.isAlive()) {
        return "the process exited with status " + process.exitValue();
      }
      try (Connection c = connect("jdbc:postgresql://" + HOST + ":" + port + "/postgres", 2, 5);
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SHOW data_directory")) {
        // another cluster may have taken the port while this server failed to bind it
        rs.next();
        if (dataDir.toString().equals(rs.getString(1))) {
          return null;
        }
        lastError = "port " + port + " is served by " + rs.getString(1);
      } catch (SQLException e) {
        lastError = e.getMessage();
      }
      if (System.nanoTime() > deadline) {
        killTree();
        return "no successful login within "
            + START_TIMEOUT_SECONDS
            + " s (last: "
            + lastError
            + ")";
      }
      sleep(50);
    }
  }

  /** Fast shutdown (SIGINT): active sessions are ended, then a clean shutdown checkpoint. */
  synchronized void stop() {
    Process p = process;
    if (p == null || !p.isAlive()) {
      return;
    }
    unhang();
    Processes.signal(p.pid(), "INT");
    try {
      if (p.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    killTree();
  }

  /** SIGKILL to the postmaster and every backend: killing only the postmaster leaves orphans. */
  synchronized void kill() {
    killTree();
  }

  synchronized void hang() {
    Process p = process;
    if (p == null || !p.isAlive()) {
      throw new IllegalStateException(name + " is not running; cannot hang it");
    }
    Processes.signalTree(p.pid(), "STOP");
    hung = true;
  }

  synchronized void unhang() {
    Process p = process;
    if (hung && p != null) {
      Processes.signalTree(p.pid(), "CONT");
    }
    hung = false;
  }

  private void killTree() {
    Process p = process;
    if (p == null) {
      return;
    }
    List<ProcessHandle> tree = new ArrayList<>();
    tree.add(p.toHandle());
    p.descendants().forEach(tree::add);
    Processes.signalTree(p.pid(), "KILL");
    hung = false;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (ProcessHandle h : tree) {
      while (h.isAlive() && System.nanoTime() < deadline) {
        sleep(10);
      }
    }
  }

  // ---------------------------------------------------------------- log

  String logTail(int lines) {
    return tail(logSince(0), lines);
  }

  private long logSize() {
    try {
      return Files.exists(log) ? Files.size(log) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  private String logSince(long offset) {
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      long len = f.length();
      // the tail is what matters; cap what we read of a long log
      long from = Math.max(offset, len - 256 * 1024);
      byte[] b = new byte[(int) Math.max(0, len - from)];
      f.seek(from);
      f.readFully(b);
      return new String(b, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  static String tail(String text, int lines) {
    String[] all = text.split("\n", -1);
    int end = all.length;
    if (end > 0 && all[end - 1].isEmpty()) {
      end--;
    }
    int from = Math.max(0, end - lines);
    return String.join("\n", java.util.Arrays.asList(all).subList(from, end));
  }

  // ---------------------------------------------------------------- shared helpers

  /** A direct pgjdbc connection; timeouts in seconds, 0 meaning none. */
  static Connection connect(
      String url, String user, String password, int connectTimeout, int socketTimeout)
      throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("connectTimeout", Integer.toString(connectTimeout));
    p.setProperty("loginTimeout", Integer.toString(connectTimeout * 2));
    p.setProperty("socketTimeout", Integer.toString(socketTimeout));
    p.setProperty("ApplicationName", "lagwise-testkit");
    Connection c = DRIVER.connect(url, p);
    if (c == null) {
      throw new SQLException("pgjdbc refused URL " + url);
    }
    return c;
  }

  private Connection connect(String url, int connectTimeout, int socketTimeout)
      throws SQLException {
    return connect(url, user, password, connectTimeout, socketTimeout);
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
