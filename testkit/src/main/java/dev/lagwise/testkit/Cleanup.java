package dev.lagwise.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * One JVM shutdown hook that closes every cluster still open, newest first, so that a test run that
 * fails or is interrupted leaves no server process and no directory behind.
 */
final class Cleanup {

  private static final List<AutoCloseable> OPEN = new ArrayList<>();
  private static boolean hookInstalled;

  private Cleanup() {}

  static synchronized void register(AutoCloseable resource) {
    if (!hookInstalled) {
      Runtime.getRuntime()
          .addShutdownHook(new Thread(Cleanup::closeAll, "lagwise-testkit-cleanup"));
      hookInstalled = true;
    }
    OPEN.add(resource);
  }

  static synchronized void unregister(AutoCloseable resource) {
    OPEN.remove(resource);
  }

  private static void closeAll() {
    List<AutoCloseable> toClose;
    synchronized (Cleanup.class) {
      toClose = new ArrayList<>(OPEN);
      OPEN.clear();
    }
    for (int i = toClose.size() - 1; i >= 0; i--) {
      try {
        toClose.get(i).close();
      } catch (Exception | Error e) {
        System.err.println("lagwise-testkit: cleanup failed: " + e);
      }
    }
  }
}
