package dev.lagwise.jdbc;

import dev.lagwise.ConsistencyToken;
import dev.lagwise.monitor.NodeProbe;
import dev.lagwise.routing.GtidState;
import dev.lagwise.routing.MariaDbGtidPosition;
import dev.lagwise.routing.MySqlGtidSet;
import dev.lagwise.routing.PositionLedger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * MySQL and MariaDB: positions are GTID states, only partially ordered (several MariaDB domains,
 * several MySQL sources), which a {@link PositionLedger} turns into the numbers routing compares.
 * The flavour comes from the server, not the URL: MySQL Connector/J talking to MariaDB uses MariaDB
 * positions, either driver talking to MySQL uses GTID sets.
 */
final class GtidPositions implements Positions {

  /** Which server family the cluster runs; decided by the first host that answers. */
  enum Flavour {
    MARIADB("mariadb", "SELECT @@gtid_current_pos"),
    MYSQL("mysql", "SELECT @@gtid_executed");

    final String engine;
    final String captureQuery;

    Flavour(String engine, String captureQuery) {
      this.engine = engine;
      this.captureQuery = captureQuery;
    }

    GtidState parse(String text) {
      return this == MARIADB ? MariaDbGtidPosition.parse(text) : MySqlGtidSet.parse(text);
    }
  }

  /**
   * States kept: one per primary state seen (a probe, or the state read after each commit) that
   * moved forward; older ones are dropped, and a replica behind every kept state has an unknown lag
   * (it serves no read with a lag bound). Every commit of this JVM adds one, so the window is
   * entries / commits per second: 16,384 entries keep about 8 s of history at 2,000 commits/s, and
   * cost about 16,384 × one state (roughly 2 MB for a few MariaDB domains).
   */
  static final int LEDGER_ENTRIES = 16_384;

  final PositionLedger ledger =
      new PositionLedger(LEDGER_ENTRIES, PositionLedger.DEFAULT_SWITCH_AFTER);

  private volatile Flavour flavour;

  /** The cluster's flavour, asked of {@code c} the first time. */
  Flavour flavour(Connection c) throws SQLException {
    Flavour f = flavour;
    if (f == null) {
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT @@version")) {
        rs.next();
        String version = rs.getString(1);
        f = version != null && version.contains("MariaDB") ? Flavour.MARIADB : Flavour.MYSQL;
      }
      flavour = f;
    }
    return f;
  }

  /** The flavour if known, else null. */
  Flavour flavour() {
    return flavour;
  }

  /** {@code text} as a GTID state of the flavour; null for SQL NULL (GTIDs off, no binlog). */
  static GtidState parse(Flavour f, String text) throws SQLException {
    if (text == null) {
      return null;
    }
    try {
      return f.parse(text);
    } catch (IllegalArgumentException e) {
      throw new SQLException(
          "unexpected GTID position from the server: " + e.getMessage(), "XX000");
    }
  }

  @Override
  public NodeProbe probe() {
    return new GtidProbe(this);
  }

  @Override
  public long capture(Connection primary, int node) throws SQLException {
    Flavour f = flavour(primary);
    GtidState state;
    try (Statement s = primary.createStatement();
        ResultSet rs = s.executeQuery(f.captureQuery)) {
      rs.next();
      state = parse(f, rs.getString(1));
    }
    if (state == null) {
      return -1;
    }
    long position = ledger.primary(node, state);
    return position == Long.MAX_VALUE ? -1 : position;
  }

  @Override
  public ConsistencyToken token(long position) {
    if (position < 0) {
      return null;
    }
    GtidState state = ledger.at(position);
    if (state == null) {
      state = ledger.latestState();
    }
    return state == null ? null : ConsistencyToken.of(state);
  }

  @Override
  public long required(ConsistencyToken token) throws SQLException {
    Flavour f = flavour;
    GtidState state = token.gtid();
    if (state == null || f != null && !token.engine().equals(f.engine)) {
      throw Errors.invalid(
          "A "
              + token.engine()
              + " consistency token cannot be used with this "
              + (f == null ? "MySQL or MariaDB" : f.engine)
              + " cluster");
    }
    return f == null ? Long.MAX_VALUE : ledger.ceiling(state);
  }

  @Override
  public boolean tokens() {
    return flavour != null;
  }
}
