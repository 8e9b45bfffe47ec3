package dev.lagwise.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Signals, ports and user checks shared by the PostgreSQL and MariaDB servers. */
final class Processes {

  private Processes() {}

  /**
   * Sends {@code signal} (e.g. {@code STOP}, {@code CONT}, {@code KILL}, {@code TERM}) to {@code
   * pid} and every process below it. STOP goes to the parent first, so it cannot fork a child that
   * escapes; CONT goes to the children first, so the parent wakes to children that are running.
   */
  static void signalTree(long pid, String signal) {
    ProcessHandle root = ProcessHandle.of(pid).orElse(null);
    if (root == null) {
      return;
    }
    List<Long> pids = new ArrayList<>();
    pids.add(pid);
    root.descendants().forEach(p -> pids.add(p.pid()));
    if ("CONT".equals(signal)) {
      java.util.Collections.reverse(pids);
    }
    for (long p : pids) {
      signal(p, signal);
    }
  }

  /** Sends one signal to one process with {@code kill}; a process that is gone is ignored. */
  static void signal(long pid, String signal) {
    try {
      Process kill =
          new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!kill.waitFor(10, TimeUnit.SECONDS)) {
        kill.destroyForcibly();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run kill -" + signal + " " + pid, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A port that was free on 127.0.0.1 a moment ago. Callers retry on a bind failure. */
  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free local port", e);
    }
  }

  /** True when this JVM runs as root (uid 0), where PostgreSQL must run as another user. */
  static boolean runningAsRoot() {
    return "root".equals(System.getProperty("user.name"));
  }
}
