package dev.lagwise.jdbc;

import dev.lagwise.ConsistencyToken;
import dev.lagwise.monitor.NodeProbe;
import dev.lagwise.monitor.Observation;
import dev.lagwise.routing.Router;
import java.sql.ResultSet;
import java.sql.Statement;

/** The vendor databases Lagwise fronts: URL scheme, default port and the monitor's probe. */
enum Dialect {
  // A PostgreSQL hot standby refuses SERIALIZABLE ("cannot use serializable mode in a hot
  // standby"): serializable sessions read from the primary.
  POSTGRESQL(
      "postgresql",
      5432,
      false,
      // Position: bytes of WAL written (primary) or replayed (standby), as a number.
      "SELECT pg_is_in_recovery(), pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery()"
          + " THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END, '0/0')::bigint",
      // After a commit: the write position covers a synchronous commit (it was flushed before
      // COMMIT returned) and does not count WAL that other sessions inserted but no standby has
      // yet. An asynchronous commit (synchronous_commit=off) can still be in the WAL buffers,
      // beyond the write position: then the insert position, which is at or past its end.
      "SELECT pg_wal_lsn_diff(CASE WHEN current_setting('synchronous_commit') = 'off'"
          + " THEN pg_current_wal_insert_lsn() ELSE pg_current_wal_lsn() END, '0/0')::bigint",
      "pg"),
  // MySQL's GTID sets are not a single number: its positions are unknown, so its replicas serve
  // no read with a lag bound until GTID sets are supported.
  MYSQL("mysql", 3306, true, "SELECT @@read_only, NULL", null, null),
  // MariaDB: the sequence number of a single-domain GTID position (binlog on the primary, applied
  // on a replica); several domains have no single order, so their position is unknown.
  MARIADB(
      "mariadb",
      3306,
      true,
      "SELECT @@read_only, IF(@@read_only, @@gtid_slave_pos, @@gtid_binlog_pos)",
      "SELECT @@gtid_binlog_pos",
      "mariadb");

  /** What routing must know of this database. */
  final Router.Dialect routing;

  final String scheme;
  final int defaultPort;
  final boolean replicasServeSerializable;
  private final String probeQuery;
  private final String positionQuery;

  /** {@link ConsistencyToken#engine()} of this dialect's tokens; null: no tokens. */
  final String tokenEngine;

  Dialect(
      String scheme,
      int defaultPort,
      boolean replicasServeSerializable,
      String probeQuery,
      String positionQuery,
      String tokenEngine) {
    this.scheme = scheme;
    this.defaultPort = defaultPort;
    this.replicasServeSerializable = replicasServeSerializable;
    this.probeQuery = probeQuery;
    this.positionQuery = positionQuery;
    this.tokenEngine = tokenEngine;
    // PostgreSQL undoes SET on rollback; PgJDBC refuses commit() in autocommit mode and enforces
    // setReadOnly(true) in the server. MySQL and MariaDB and their drivers do none of these.
    boolean pg = "postgresql".equals(scheme);
    this.routing = new Router.Dialect(replicasServeSerializable, pg, pg, pg);
  }

  /** The primary's current log position, read on {@code primary}; -1 when unknown. */
  long currentPosition(java.sql.Connection primary) throws java.sql.SQLException {
    if (positionQuery == null) {
      return -1;
    }
    try (Statement s = primary.createStatement();
        ResultSet rs = s.executeQuery(positionQuery)) {
      rs.next();
      if (this == POSTGRESQL) {
        long p = rs.getLong(1);
        return rs.wasNull() ? -1 : p;
      }
      return gtidSequence(rs.getString(1));
    }
  }

  /**
   * Whether a transaction is open on {@code c}, as the vendor driver tracks it; null when it does
   * not say. PgJDBC does, from every ReadyForQuery message; MariaDB Connector/J and MySQL
   * Connector/J from the status flags of every OK packet.
   */
  Boolean transactionOpen(java.sql.Connection c) {
    switch (this) {
      case POSTGRESQL:
        return PgTransactionState.open(c);
      case MARIADB:
        return MariaDbTransactionState.open(c);
      case MYSQL:
        return MySqlTransactionState.open(c);
      default:
        return null;
    }
  }

  /**
   * Autocommit on {@code c} after SQL set it ({@code SET autocommit = ...}). PgJDBC and MariaDB
   * Connector/J answer from the server's status; MySQL Connector/J's {@code getAutoCommit()} is its
   * own flag, which such SQL does not change: the server's flag is read instead and Connector/J's
   * brought in line (its {@code setAutoCommit} repeats the value to the server, a no-op there), so
   * that its {@code commit()} and {@code setAutoCommit(true)} do what the server needs.
   */
  boolean autoCommitAfterSql(java.sql.Connection c) throws java.sql.SQLException {
    boolean vendor = c.getAutoCommit();
    if (this == MYSQL) {
      Boolean server = MySqlTransactionState.autoCommit(c);
      if (server != null && server != vendor) {
        c.setAutoCommit(server);
        return server;
      }
    }
    return vendor;
  }

  ConsistencyToken token(long position) {
    return this == POSTGRESQL
        ? ConsistencyToken.postgres(position)
        : ConsistencyToken.mariadb(position);
  }

  /** The part after {@code jdbc:lagwise:} that selects this dialect, e.g. {@code postgresql://}. */
  String urlPrefix() {
    return scheme + "://";
  }

  /** One query per host and poll: role (true on a replica) and log position. */
  NodeProbe probe() {
    return c -> {
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery(probeQuery)) {
        rs.next();
        boolean replica = rs.getBoolean(1);
        long position;
        if (this == POSTGRESQL) {
          position = rs.getLong(2);
          position = rs.wasNull() ? -1 : position;
        } else {
          position = gtidSequence(rs.getString(2));
        }
        return new Observation(replica, position);
      }
    };
  }

  /** {@code domain-server-sequence} to its sequence; -1 for none, several domains or garbage. */
  static long gtidSequence(String gtid) {
    if (gtid == null || gtid.isEmpty() || gtid.indexOf(',') >= 0) {
      return -1;
    }
    int dash = gtid.lastIndexOf('-');
    try {
      return dash < 0 ? -1 : Long.parseLong(gtid.substring(dash + 1).trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
