package dev.lagwise.monitor;

import java.util.Arrays;

/**
 * Connection errors that the application's sessions met on each host, held as evidence for the
 * monitor, never as a verdict: one session's broken connection says little about the host (a wrong
 * password, a {@code SET DateStyle} the vendor driver answers by closing its own connection, an
 * {@code abort()}, one backend terminated by an administrator), and a host marked DOWN on its word
 * would be DOWN for every connection of the JVM. A suspicion wakes the host's prober instead, and
 * only a failed probe of the monitor's own takes the host out of routing.
 *
 * <p>Invariants: a suspicion is answered by the first probe of its host that starts after it; such
 * probes start at least {@code spacingNanos} apart per host, so a storm of errors costs a host at
 * most one extra probe per spacing (and never more than one in flight: one prober per host). Errors
 * that say the session's own credentials or properties are wrong ({@link #concernsSession}) are no
 * evidence at all. Thread-safe; time comes from the caller.
 */
final class Suspicions {

  private final long spacingNanos;

  /** Per host: a suspicion waits for its probe; guarded by this. */
  private final boolean[] pending;

  /** Per host: when the last probe that answered a suspicion started; guarded by this. */
  private final long[] answeredAt;

  Suspicions(int nodes, long spacingNanos) {
    this.spacingNanos = spacingNanos;
    this.pending = new boolean[nodes];
    this.answeredAt = new long[nodes];
    Arrays.fill(answeredAt, Long.MIN_VALUE / 2);
  }

  /**
   * True when an error with {@code sqlState}, met while connecting, is about the session rather
   * than the host: the server answered and refused this session (invalid authorization 28, unknown
   * database 3D, access rule 42 such as 42501 or MySQL's unknown database 42000, invalid parameter
   * value 22 such as 22023, not supported 0A, and 08004, the server rejected the connection: what
   * PgJDBC raises for a missing password or an unsupported authentication method, and MySQL for too
   * many connections). Another session with other credentials would be let in.
   */
  static boolean concernsSession(String sqlState) {
    if (sqlState == null || sqlState.length() < 2) {
      return false;
    }
    String c = sqlState.substring(0, 2);
    return c.equals("28")
        || c.equals("3D")
        || c.equals("42")
        || c.equals("22")
        || c.equals("0A")
        || sqlState.equals("08004");
  }

  /** A session met a connection error on {@code node}: its next probe should come soon. */
  synchronized void report(int node) {
    pending[node] = true;
  }

  /** True while a suspicion of {@code node} waits for its probe. */
  synchronized boolean pending(int node) {
    return pending[node];
  }

  /**
   * How long the prober of {@code node}, woken at {@code nowNanos}, must still wait before the
   * probe that answers a suspicion; 0: probe now. Positive only while a suspicion is pending and
   * the last such probe started less than the spacing ago.
   */
  synchronized long holdNanos(int node, long nowNanos) {
    if (!pending[node]) {
      return 0;
    }
    return Math.max(0, answeredAt[node] + spacingNanos - nowNanos);
  }

  /** A probe of {@code node} starts at {@code nowNanos}: it answers any pending suspicion. */
  synchronized void probing(int node, long nowNanos) {
    if (pending[node]) {
      pending[node] = false;
      answeredAt[node] = nowNanos;
    }
  }
}
