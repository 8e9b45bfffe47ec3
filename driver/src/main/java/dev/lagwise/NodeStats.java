package dev.lagwise;

/**
 * One host of a cluster as this JVM sees it.
 *
 * @param host {@code host:port} as written in the URL
 * @param role {@code PRIMARY}, {@code REPLICA}, {@code DOWN}, {@code DIVERGED} (it has data the
 *     primary does not: another timeline, transactions of its own; serves nothing) or {@code
 *     UNKNOWN} (not probed yet), as of the monitor's last probe of the host
 * @param lagBytes how far the host's replay is behind the primary's latest known position, in WAL
 *     bytes (PostgreSQL); 0 for the primary; -1 when unknown and always for MySQL and MariaDB,
 *     whose GTID positions have no byte distance
 * @param lagMillis how old the host's data may be now; 0 for the primary, -1 when unknown
 * @param statements statements this JVM ran on the host through Lagwise (routed statements only:
 *     not the monitor's probes, not session state replayed on a newly opened connection)
 * @param lastError the monitor's last error for the host, or null; never contains a password
 * @param probes probes this JVM's monitor has sent to the host since the cluster was opened
 *     (connect attempts included); the probe budget caps them at 100 in any second
 */
public record NodeStats(
    String host,
    String role,
    long lagBytes,
    long lagMillis,
    long statements,
    String lastError,
    long probes) {

  /** As before probes were counted: {@code probes} 0. */
  public NodeStats(
      String host, String role, long lagBytes, long lagMillis, long statements, String lastError) {
    this(host, role, lagBytes, lagMillis, statements, lastError, 0);
  }
}
