package dev.lagwise.jdbc;

import dev.lagwise.routing.Router;

/** The vendor drivers Lagwise fronts: URL scheme, default port, positions, transaction state. */
enum Dialect {
  // A PostgreSQL hot standby refuses SERIALIZABLE ("cannot use serializable mode in a hot
  // standby"): serializable sessions read from the primary.
  POSTGRESQL("postgresql", 5432, false),
  // MySQL Connector/J, against MySQL or MariaDB: positions follow the server (GtidPositions).
  MYSQL("mysql", 3306, true),
  MARIADB("mariadb", 3306, true);

  /** What routing must know of this database. */
  final Router.Dialect routing;

  final String scheme;
  final int defaultPort;
  final boolean replicasServeSerializable;

  Dialect(String scheme, int defaultPort, boolean replicasServeSerializable) {
    this.scheme = scheme;
    this.defaultPort = defaultPort;
    this.replicasServeSerializable = replicasServeSerializable;
    // PostgreSQL undoes SET on rollback; PgJDBC refuses commit() in autocommit mode and enforces
    // setReadOnly(true) in the server. MySQL and MariaDB and their drivers do none of these.
    boolean pg = "postgresql".equals(scheme);
    this.routing = new Router.Dialect(replicasServeSerializable, pg, pg, pg);
  }

  /** How a new cluster of this dialect reads and compares log positions. */
  Positions newPositions() {
    return this == POSTGRESQL ? new LsnPositions() : new GtidPositions();
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
        return ConnectorJTransactionState.open(c);
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
      Boolean server = ConnectorJTransactionState.autoCommit(c);
      if (server != null && server != vendor) {
        c.setAutoCommit(server);
        return server;
      }
    }
    return vendor;
  }

  /** The part after {@code jdbc:lagwise:} that selects this dialect, e.g. {@code postgresql://}. */
  String urlPrefix() {
    return scheme + "://";
  }
}
