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

  /** Role (true on a standby) and position: written on the primary, replayed on a standby. */
  private static final String PROBE =
      "SELECT pg_is_in_recovery(), pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery()"
          + " THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END, '0/0')::bigint";

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
    return c -> {
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery(PROBE)) {
        rs.next();
        boolean replica = rs.getBoolean(1);
        long position = rs.getLong(2);
        return new Observation(replica, rs.wasNull() ? -1 : position);
      }
    };
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
