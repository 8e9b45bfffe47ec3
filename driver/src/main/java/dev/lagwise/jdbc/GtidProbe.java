package dev.lagwise.jdbc;

import dev.lagwise.jdbc.GtidPositions.Flavour;
import dev.lagwise.monitor.NodeProbe;
import dev.lagwise.monitor.Observation;
import dev.lagwise.routing.GtidState;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The monitor's probe of a MySQL or MariaDB host: its role from its replication status, the health
 * of that replication, and its GTID position as a ledger number.
 *
 * <p>A host is a replica when replication is configured on it ({@code SHOW ALL SLAVES STATUS} /
 * {@code SHOW REPLICA STATUS} has a row), whatever {@code read_only} says: a replica left writable
 * must never take the application's writes. A host that replicates from nobody is a primary if it
 * is writable, and an unusable replica if it is read-only (it gets no new data). A replica whose
 * applier is stopped or failed, or whose receiver was stopped, serves no read; one whose receiver
 * is only reconnecting (its primary is gone) still does, its lag growing from the monitor's
 * history.
 *
 * <p>MariaDB divergence: a replica whose {@code @@gtid_binlog_state} has GTIDs of its own that the
 * primary lacks ({@link BinlogState}) is reported diverged, whatever its position: it serves no
 * read. The primary's state is the one of the host the ledger follows, as of its last probe.
 *
 * <p>Without the privilege for the status statement ({@code REPLICATION CLIENT}, MariaDB {@code
 * SLAVE MONITOR}), roles fall back to {@code read_only} / {@code super_read_only} alone.
 */
final class GtidProbe implements NodeProbe {

  private final GtidPositions positions;

  /** Set once the status statement was refused for lack of privilege: not asked again. */
  private volatile boolean statusDenied;

  /** MySQL before 8.0.22 knows only {@code SHOW SLAVE STATUS}. */
  private volatile boolean legacyStatus;

  /** The primary's binary log state and server id, from its last probe (MariaDB); or null. */
  private record Reference(BinlogState state, long serverId) {}

  private volatile Reference reference;

  GtidProbe(GtidPositions positions) {
    this.positions = positions;
  }

  @Override
  public Observation probe(Connection c) throws SQLException {
    throw new UnsupportedOperationException("GtidProbe needs the host's index");
  }

  @Override
  public Observation probe(int node, Connection c) throws SQLException {
    Flavour f = positions.flavour(c);
    try (Statement s = c.createStatement()) {
      Replication r = statusDenied ? null : replication(s, f);
      boolean readOnly;
      GtidState applied;
      GtidState all;
      BinlogState binlog = null;
      long serverId = -1;
      try (ResultSet rs =
          s.executeQuery(
              f == Flavour.MARIADB
                  ? "SELECT @@read_only, @@gtid_slave_pos, @@gtid_current_pos,"
                      + " @@gtid_binlog_state, @@server_id"
                  // Without GTIDs (gtid_mode not ON) a MySQL position says nothing: unknown.
                  : "SELECT @@read_only, NULL, IF(@@gtid_mode = 'ON', @@gtid_executed, NULL)")) {
        rs.next();
        readOnly = rs.getBoolean(1);
        all = GtidPositions.parse(f, rs.getString(3));
        applied = f == Flavour.MARIADB ? GtidPositions.parse(f, rs.getString(2)) : all;
        if (f == Flavour.MARIADB) {
          binlog = BinlogState.parse(rs.getString(4));
          serverId = rs.getLong(5);
        }
      }
      boolean replica = r != null ? r.configured || readOnly : readOnly;
      if (!replica) {
        long p = all == null ? -1 : positions.ledger.primary(node, all);
        if (binlog != null && positions.ledger.owner() == node) {
          reference = new Reference(binlog, serverId);
        }
        return new Observation(false, p == Long.MAX_VALUE ? -1 : p);
      }
      boolean healthy = r == null || r.configured && r.running;
      Reference ref = reference;
      boolean diverged =
          binlog != null && ref != null && binlog.hasOwnBeyond(ref.state, ref.serverId);
      return new Observation(
          true, applied == null ? -1 : positions.ledger.replica(applied), healthy, -1, diverged);
    }
  }

  /** Replication configured on the host, and whether it all runs. */
  private record Replication(boolean configured, boolean running) {}

  private Replication replication(Statement s, Flavour f) throws SQLException {
    boolean configured = false;
    boolean running = true;
    boolean legacy = f == Flavour.MARIADB || legacyStatus;
    try (ResultSet rs =
        s.executeQuery(
            f == Flavour.MARIADB
                ? "SHOW ALL SLAVES STATUS"
                : legacy ? "SHOW SLAVE STATUS" : "SHOW REPLICA STATUS")) {
      String word = legacy ? "Slave" : "Replica";
      while (rs.next()) {
        configured = true;
        String receiver = rs.getString(word + "_IO_Running");
        String applier = rs.getString(word + "_SQL_Running");
        running &=
            "Yes".equalsIgnoreCase(applier)
                && !"No".equalsIgnoreCase(receiver)
                && rs.getInt("Last_SQL_Errno") == 0;
      }
    } catch (SQLException e) {
      if (denied(e)) {
        statusDenied = true;
        return null;
      }
      if (e.getErrorCode() == 1064 && !legacy) {
        legacyStatus = true; // MySQL before 8.0.22
        return replication(s, f);
      }
      throw e;
    }
    return new Replication(configured, running);
  }

  /** Access denied: 1227 (needs a privilege), 1142/1044/1045 and SQLState 42000 with those. */
  private static boolean denied(SQLException e) {
    int code = e.getErrorCode();
    return code == 1227 || code == 1142 || code == 1044;
  }
}
