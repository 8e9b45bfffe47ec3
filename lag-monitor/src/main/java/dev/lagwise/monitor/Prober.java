package dev.lagwise.monitor;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.LockSupport;

/**
 * The daemon thread that probes one host on its own connection, when its monitor's {@link
 * ProbeScheduler} says so.
 */
final class Prober extends Thread {
  private final ClusterMonitor monitor;
  private final int node;
  private volatile boolean running = true;
  private Connection connection;

  Prober(ClusterMonitor monitor, int node) {
    super("lagwise-monitor-" + monitor.hostNames().get(node));
    this.monitor = monitor;
    setDaemon(true);
    this.node = node;
  }

  /** Set by a request to probe now (probeNow, a primary sample); not by a chase or a suspicion. */
  private volatile boolean requested;

  /** Probe now, after the probe in flight if any. */
  void request() {
    requested = true;
    LockSupport.unpark(this);
  }

  @Override
  public void run() {
    while (running) {
      probe();
      awaitNextProbe();
    }
    closeConnection();
  }

  /**
   * Parks until the next probe is due ({@link ProbeScheduler#dueAt}): at once for a request or a
   * pending suspicion whose spacing has passed, else the chase spacing or the poll interval since
   * the last probe began; never before the host's probe budget allows. Not sleep + interrupt: an
   * interrupt would abort a probe's connect in the vendor driver. Any other wake (a suspicion
   * within the spacing, an unpark whose suspicion an earlier probe already answered, a spurious
   * one) parks again, so a storm of errors on this host costs it one probe per spacing.
   */
  private void awaitNextProbe() {
    boolean asked = false;
    while (running) {
      if (requested) {
        requested = false;
        asked = true;
      }
      long hold = -1;
      if (monitor.suspicions.pending(node)) {
        hold = monitor.suspicions.holdNanos(node, monitor.ticker.getAsLong());
      }
      long now = System.nanoTime();
      long wait = monitor.scheduler.dueAt(node, asked || hold == 0, now) - now;
      if (wait <= 0) {
        return;
      }
      if (hold > 0) {
        wait = Math.min(wait, hold);
      }
      LockSupport.parkNanos(this, wait);
    }
  }

  private void probe() {
    monitor.scheduler.begun(node, System.nanoTime());
    monitor.probesSent.incrementAndGet(node);
    long begun = monitor.ticker.getAsLong();
    // Whatever woke it, this probe answers the suspicions reported so far.
    monitor.suspicions.probing(node, begun);
    try {
      if (connection == null) {
        connection = monitor.connector.connect(node);
      }
      long sent = monitor.ticker.getAsLong();
      monitor.observed(node, monitor.probe.probe(node, connection), sent, begun);
    } catch (SQLException | RuntimeException e) {
      closeConnection();
      if (running) {
        monitor.failed(node, String.valueOf(e.getMessage()), begun);
      }
    }
  }

  private void closeConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // The probe connection is disposable.
      }
      connection = null;
    }
  }

  void shutdown() {
    running = false;
    LockSupport.unpark(this);
  }
}
