package dev.lagwise.jdbc;

/** The vendor databases Lagwise fronts: URL scheme, default port and the role probe. */
enum Dialect {
  // A PostgreSQL hot standby refuses SERIALIZABLE ("cannot use serializable mode in a hot
  // standby"): serializable sessions read from the primary.
  POSTGRESQL("postgresql", 5432, "SELECT pg_is_in_recovery()", false),
  MYSQL("mysql", 3306, "SELECT @@read_only", true),
  MARIADB("mariadb", 3306, "SELECT @@read_only", true);

  final String scheme;
  final int defaultPort;

  /**
   * Returns one boolean column: true on a replica (in recovery / read-only), false on a primary.
   */
  final String roleQuery;

  final boolean replicasServeSerializable;

  Dialect(String scheme, int defaultPort, String roleQuery, boolean replicasServeSerializable) {
    this.scheme = scheme;
    this.defaultPort = defaultPort;
    this.roleQuery = roleQuery;
    this.replicasServeSerializable = replicasServeSerializable;
  }

  /** The part after {@code jdbc:lagwise:} that selects this dialect, e.g. {@code postgresql://}. */
  String urlPrefix() {
    return scheme + "://";
  }
}
