package dev.lagwise.testkit;

/** The database engines testkit can start. */
public enum Engine {
  POSTGRESQL,
  MARIADB
}
