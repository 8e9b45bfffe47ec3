package dev.lagwise.demo;

import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.MariaDbCluster;
import dev.lagwise.testkit.PostgresCluster;
import java.util.List;

/**
 * What differs between the demo on PostgreSQL and on MariaDB: the cluster testkit starts, the
 * table's DDL, and how the view names the lag the driver measures. Everything else — workload,
 * fault script (testkit's {@code Node} controls), self-check — is the same for both.
 */
enum DemoEngine {
  POSTGRESQL(
      "--postgresql",
      "PostgreSQL",
      "streaming replicas",
      "LAG BYTES",
      "CREATE TABLE demo_rows"
          + " (id bigserial PRIMARY KEY, writer int NOT NULL, payload text NOT NULL)") {
    @Override
    Cluster start(int replicas) {
      return PostgresCluster.builder().replicas(replicas).start();
    }
  },

  /** GTID positions have no byte distance: the driver reports only the lag in time. */
  MARIADB(
      "--mariadb",
      "MariaDB",
      "GTID replicas",
      "BYTES N/A",
      "CREATE TABLE demo_rows"
          + " (id bigint AUTO_INCREMENT PRIMARY KEY, writer int NOT NULL, payload text NOT NULL)") {
    @Override
    Cluster start(int replicas) {
      return MariaDbCluster.builder().replicas(replicas).start();
    }
  };

  static final String USAGE = "usage: lagwise-demo [--postgresql | --mariadb]";

  final String option;
  final String label;
  final String replication;
  final String lagHeader;
  final String createTable;

  DemoEngine(
      String option, String label, String replication, String lagHeader, String createTable) {
    this.option = option;
    this.label = label;
    this.replication = replication;
    this.lagHeader = lagHeader;
    this.createTable = createTable;
  }

  /** Starts a primary with {@code replicas} replicas; the caller closes it. */
  abstract Cluster start(int replicas);

  /** The engine the command line asks for; PostgreSQL without an option. */
  static DemoEngine fromArgs(List<String> args) {
    if (args.isEmpty()) {
      return POSTGRESQL;
    }
    if (args.size() == 1) {
      for (DemoEngine e : values()) {
        if (e.option.equals(args.get(0))) {
          return e;
        }
      }
    }
    throw new IllegalArgumentException("unknown arguments " + args + "; " + USAGE);
  }
}
