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
 * @param epoch which history the host's positions belong to, a number that grows at each failover
 *     (PostgreSQL: its timeline; a primary's is the one it writes, a standby's the one it receives
 *     or last checkpointed); -1 when unknown or when the engine has none (MySQL, MariaDB).
 *     Positions of two epochs are not comparable beyond the point where the later one forked
 *     ({@link ClusterSnapshot} resolves roles with it).
 * @param diverged the probe found that this host has transactions the current primary does not have
 *     (MariaDB: a GTID of another server than the primary that the primary lacks): whatever its
 *     position says, it is never fresh.
 */
public record Observation(
    boolean replica, long position, boolean healthy, long epoch, boolean diverged) {

  /** A host of an engine without epochs, not known to have diverged. */
  public Observation(boolean replica, long position, boolean healthy) {
    this(replica, position, healthy, -1, false);
  }

  /** A healthy host. */
  public Observation(boolean replica, long position) {
    this(replica, position, true);
  }
}
