package dev.lagwise.jdbc;

/** The vendor databases Lagwise fronts: URL scheme, default port and the role probe. */
enum Dialect {
  POSTGRESQL("postgresql", 5432, "SELECT pg_is_in_recovery()"),
  MYSQL("mysql", 3306, "SELECT @@read_only"),
  MARIADB("mariadb", 3306, "SELECT @@read_only");

  final String scheme;
  final int defaultPort;

  /**
   * Returns one boolean column: true on a replica (in recovery / read-only), false on a primary.
   */
  final String roleQuery;

  Dialect(String scheme, int defaultPort, String roleQuery) {
    this.scheme = scheme;
    this.defaultPort = defaultPort;
    this.roleQuery = roleQuery;
  }

  /** The part after {@code jdbc:lagwise:} that selects this dialect, e.g. {@code postgresql://}. */
  String urlPrefix() {
    return scheme + "://";
  }
}
