package dev.lagwise.monitor;

/**
 * What one probe of one host found.
 *
 * @param replica true when the host is a replica: it replicates (PostgreSQL: in recovery;
 *     MySQL/MariaDB: replication is configured on it), or it refuses writes without replicating
 * @param position the host's log position as a number that only grows: on a primary, how far it has
 *     written; on a replica, how far it has replayed. Negative when the host cannot tell (for a
 *     replica: its lag is unknown, and unknown means primary).
 * @param healthy for a replica: its replication runs (threads configured and not stopped or
 *     broken). An unhealthy replica serves no read: its position says how far it got, not that it
 *     will get further. Always true for a primary.
 */
public record Observation(boolean replica, long position, boolean healthy) {

  /** A healthy host. */
  public Observation(boolean replica, long position) {
    this(replica, position, true);
  }
}
