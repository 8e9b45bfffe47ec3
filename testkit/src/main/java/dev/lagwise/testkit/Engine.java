package dev.lagwise.testkit;

/** The database engines testkit can start. */
public enum Engine {
  POSTGRESQL,
  MARIADB,
  /** MySQL 8.4 in Docker containers (Testcontainers); opt-in, see {@link MySqlCluster}. */
  MYSQL
}
