package dev.lagwise.jdbc;

import dev.lagwise.ConsistencyToken;
import dev.lagwise.monitor.NodeProbe;
import dev.lagwise.monitor.Observation;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** PostgreSQL: a position is a WAL LSN in bytes, the same number on every host of a timeline. */
final class LsnPositions implements Positions {

  /**
   * Role (true on a standby), position (written on the primary, replayed on a standby) and
   * timeline. A primary's timeline is the one it inserts WAL on (the first 8 hex digits of its
   * current WAL file name). A standby's is the one it receives from its upstream ({@code
   * received_tli}); without a running WAL receiver (its upstream gone, or refusing it because it
   * forked: an old primary restarted as a standby without pg_rewind) the timeline of its last
   * checkpoint, which is older than the primary's until a standby that follows the new timeline has
   * made a restartpoint: the safe side. {@code received_tli} is NULL without pg_read_all_stats
   * (then the checkpoint's timeline is all there is, and a standby following a new timeline stays
   * DIVERGED until its next restartpoint); {@code pg_control_checkpoint()} is public unless
   * revoked, and when it is, a standby's timeline may be unknown (-1) and a diverged standby is not
   * detected (docs/consistency.md).
   */
  private static final String PROBE_HEAD =
      "SELECT pg_is_in_recovery(), pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery()"
          + " THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END, '0/0')::bigint,"
          + " CASE WHEN pg_is_in_recovery() THEN ";

  private static final String PROBE_TAIL =
      " ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::bigint END";

  private static final String RECEIVED = "(SELECT received_tli FROM pg_stat_wal_receiver)::bigint";

  private static final String CHECKPOINT = "(pg_control_checkpoint()).timeline_id::bigint";

  /** The probe for a role that may or may not read the control file. */
  static String probeSql(boolean controlFile) {
    return PROBE_HEAD
        + (controlFile ? "coalesce(" + RECEIVED + ", " + CHECKPOINT + ")" : RECEIVED)
        + PROBE_TAIL;
  }

  /**
   * Set once {@code pg_control_checkpoint()} was refused (42501): not asked again. Shared by the
   * probe threads; a grant given later is seen by a new monitor.
   */
  private volatile boolean controlDenied;

  /**
   * After a commit: the write position covers a synchronous commit (it was flushed before COMMIT
   * returned) and does not count WAL that other sessions inserted but no standby has yet. An
   * asynchronous commit (synchronous_commit=off) can still be in the WAL buffers, beyond the write
   * position: then the insert position, which is at or past its end.
   */
  private static final String CAPTURE =
      "SELECT pg_wal_lsn_diff(CASE WHEN current_setting('synchronous_commit') = 'off'"
          + " THEN pg_current_wal_insert_lsn() ELSE pg_current_wal_lsn() END, '0/0')::bigint";

  @Override
  public NodeProbe probe() {
    return this::probe;
  }

  private Observation probe(Connection c) throws SQLException {
    boolean control = !controlDenied;
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(probeSql(control))) {
      rs.next();
      boolean replica = rs.getBoolean(1);
      long position = rs.getLong(2);
      boolean noPosition = rs.wasNull();
      long timeline = rs.getLong(3);
      return new Observation(
          replica, noPosition ? -1 : position, true, rs.wasNull() ? -1 : timeline, false);
    } catch (SQLException e) {
      if (control && "42501".equals(e.getSQLState())) {
        controlDenied = true;
        return probe(c);
      }
      throw e;
    }
  }

  @Override
  public long capture(Connection primary, int node) throws SQLException {
    try (Statement s = primary.createStatement();
        ResultSet rs = s.executeQuery(CAPTURE)) {
      rs.next();
      long p = rs.getLong(1);
      return rs.wasNull() ? -1 : p;
    }
  }

  /** The write (or insert) LSN is at or past every standby's replay LSN: a primary sample. */
  @Override
  public boolean captureIsPrimarySample() {
    return true;
  }

  @Override
  public ConsistencyToken token(long position) {
    return position < 0 ? null : ConsistencyToken.postgres(position);
  }

  @Override
  public long required(ConsistencyToken token) throws SQLException {
    if (!token.engine().equals("pg")) {
      throw Errors.invalid(
          "A " + token.engine() + " consistency token cannot be used with postgresql");
    }
    return token.position();
  }

  @Override
  public boolean tokens() {
    return true;
  }
}
