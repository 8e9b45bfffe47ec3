package dev.lagwise.jdbc;

import dev.lagwise.routing.Router;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * One vendor connection of a logical connection, with the state it has been given. This class is
 * the only place that changes the vendor connection's autocommit flag, so its cached copy never
 * disagrees with the vendor's. {@link #sync} applies only what differs, so a steady session costs
 * two int comparisons per statement.
 */
final class PhysicalConnection {

  final int node;
  final Connection connection;

  /** Session settings around calls of unknown functions (PostgreSQL); unused elsewhere. */
  final SettingsWatch settings = new SettingsWatch();

  private int syncedRouter = -1;
  private int syncedSession = -1;
  private boolean autoCommit = true;
  private boolean readOnly;
  private int isolation = -1;
  private int isolationEpoch;
  private int holdability = -1;
  private int networkTimeoutMillis = -1;
  private Object typeMap;
  private long appliedSeq;
  private int resetEpoch;

  /**
   * {@code connection} freshly opened: its read-only flag is the vendor's, which a URL property
   * ({@code readOnly=true}) may have set.
   */
  PhysicalConnection(int node, Connection connection) throws SQLException {
    this.node = node;
    this.connection = connection;
    this.readOnly = connection.isReadOnly();
  }

  /** The read-only flag the vendor connection has now. */
  boolean readOnly() {
    return readOnly;
  }

  /**
   * Brings this connection up to the session's state; cheap when nothing changed. {@code
   * transactionOpen}: a vendor transaction is open here, so session changes run inside it (as on
   * one vendor connection); otherwise they run in autocommit, so that a later rollback on this host
   * cannot undo them.
   */
  void sync(Router r, SessionState s, boolean transactionOpen) throws SQLException {
    if (syncedRouter == r.version() && syncedSession == s.version) {
      return;
    }
    boolean replay = resetEpoch != s.resetEpoch || hasUnapplied(s);
    if (replay && !transactionOpen) {
      setAutoCommit(true);
    }
    if (resetEpoch != s.resetEpoch) {
      run("DISCARD ALL");
      resetEpoch = s.resetEpoch;
      appliedSeq = 0;
    }
    for (SessionState.Op op : s.ops) {
      if (op.seq() > appliedSeq) {
        op.apply(connection);
        appliedSeq = op.seq();
      }
    }
    if (readOnly != r.readOnly()) {
      connection.setReadOnly(r.readOnly());
      readOnly = r.readOnly();
    }
    if (isolationEpoch != r.isolationEpoch()) {
      // SQL or a rollback changed the level behind the JDBC setter's back: give it again.
      isolation = -1;
      isolationEpoch = r.isolationEpoch();
    }
    if (r.isolation() != -1 && isolation != r.isolation()) {
      connection.setTransactionIsolation(r.isolation());
      isolation = r.isolation();
    }
    if (s.holdability != -1 && holdability != s.holdability) {
      connection.setHoldability(s.holdability);
      holdability = s.holdability;
    }
    applyNetworkTimeout(s);
    if (s.typeMap != null && typeMap != s.typeMap) {
      connection.setTypeMap(s.typeMap);
      typeMap = s.typeMap;
    }
    setAutoCommit(r.autoCommit());
    syncedRouter = r.version();
    syncedSession = s.version;
  }

  /** A local socket setting, no round trip: given at once, not only before the next statement. */
  void applyNetworkTimeout(SessionState s) throws SQLException {
    if (s.networkTimeoutMillis != -1 && networkTimeoutMillis != s.networkTimeoutMillis) {
      connection.setNetworkTimeout(s.networkTimeoutExecutor, s.networkTimeoutMillis);
      networkTimeoutMillis = s.networkTimeoutMillis;
    }
  }

  private boolean hasUnapplied(SessionState s) {
    return !s.ops.isEmpty() && s.ops.get(s.ops.size() - 1).seq() > appliedSeq;
  }

  /** SQL run on this connection left {@code level} in force (as of the router's {@code epoch}). */
  void isolationInForce(int level, int epoch) {
    isolation = level;
    isolationEpoch = epoch;
  }

  /** This connection ran the newest session SQL itself: it is up to date with it. */
  void ranSessionSql(SessionState s) {
    appliedSeq = s.lastSeq;
  }

  /** This connection ran DISCARD ALL itself. */
  void ranReset(SessionState s) {
    resetEpoch = s.resetEpoch;
    appliedSeq = s.lastSeq;
  }

  /** Switches the vendor's autocommit (committing an open transaction when switched on). */
  void setAutoCommit(boolean on) throws SQLException {
    if (autoCommit != on) {
      connection.setAutoCommit(on);
      autoCommit = on;
    }
  }

  /** SQL run on this connection set the vendor's autocommit: the cached flag follows. */
  void autoCommitSetBySql(boolean on) {
    autoCommit = on;
  }

  boolean autoCommit() {
    return autoCommit;
  }

  private void run(String sql) throws SQLException {
    try (Statement st = connection.createStatement()) {
      st.execute(sql);
    }
  }

  void closeQuietly() {
    try {
      connection.close();
    } catch (SQLException | RuntimeException ignored) {
      // Already broken or closed: nothing left to release.
    }
  }
}
