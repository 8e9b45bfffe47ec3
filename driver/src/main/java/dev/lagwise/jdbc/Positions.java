package dev.lagwise.jdbc;

import dev.lagwise.ConsistencyToken;
import dev.lagwise.monitor.NodeProbe;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * How one cluster's log positions are read from its hosts, turned into the numbers routing
 * compares, and into portable tokens. PostgreSQL's WAL positions are numbers already ({@link
 * LsnPositions}); MySQL and MariaDB GTID positions are only partially ordered and go through a
 * per-cluster ledger ({@link GtidPositions}). One instance per cluster.
 */
interface Positions {

  /** The monitor's probe: each host's role, replication health and position. */
  NodeProbe probe();

  /**
   * The primary's position read on {@code primary} (host {@code node}) right after a commit there;
   * -1 when it cannot be told (then the commit's moment is recorded instead).
   */
  long capture(Connection primary, int node) throws SQLException;

  /**
   * True when {@link #capture} reads the primary's log position itself (as a monitor probe of the
   * primary does), not only the session's own commit: then a capture is as good as a primary sample
   * taken after it ({@code SessionPositions.committed(long, boolean)}).
   */
  default boolean captureIsPrimarySample() {
    return false;
  }

  /** The portable token for a routing position; null for none ({@code position < 0}). */
  ConsistencyToken token(long position);

  /**
   * The routing position {@code token} requires: -1 none, {@link Long#MAX_VALUE} beyond every
   * position known (only the primary can serve it until a primary sample covers it, or clamps it).
   *
   * @throws SQLException 22023 for a token of another database
   */
  long required(ConsistencyToken token) throws SQLException;

  /** True when this cluster's tokens exist (MySQL family: once the server flavour is known). */
  boolean tokens();
}
