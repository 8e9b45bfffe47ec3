package dev.lagwise.it.tx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Read-your-writes and monotonic reads in corners of position capture on PostgreSQL: cases 9, 10
 * and 11 of the cluster-cases list.
 */
@ReplicatedCluster(replicas = 2)
class PostgresConsistencyCasesTest {

  static final String CANARY = "pcn_canary";
  static final String ROWS = "pcn_rows";
  static final String ASYNC = "pcn_async";

  static Cluster cluster;
  static Connection keeper;

  @BeforeAll
  static void tables(Cluster c) throws SQLException {
    cluster = c;
    keeper = Cases.keepMonitorAwake(c);
    Cases.setUp(
        c,
        "DROP TABLE IF EXISTS " + CANARY + ", " + ROWS + ", " + ASYNC,
        "CREATE TABLE " + CANARY + " (id bigint PRIMARY KEY)",
        "CREATE TABLE " + ROWS + " (id bigint PRIMARY KEY)",
        "CREATE TABLE " + ASYNC + " (id bigserial PRIMARY KEY, v int)",
        // Case 10: a session whose search_path puts this schema before pg_catalog resolves an
        // unqualified pg_current_wal_lsn() to this function, which fails.
        "CREATE SCHEMA IF NOT EXISTS pcn_shadow",
        "CREATE OR REPLACE FUNCTION pcn_shadow.pg_current_wal_lsn() RETURNS pg_lsn"
            + " LANGUAGE plpgsql AS $$ BEGIN"
            + " RAISE EXCEPTION 'pcn: position capture made to fail by the test'; END $$");
  }

  @AfterEach
  void resume() {
    Cases.resumeReplicas(cluster);
  }

  @AfterAll
  static void close() throws SQLException {
    keeper.close();
  }

  static boolean sees(Connection c, String table, long id) throws SQLException {
    return Cases.count(c, "SELECT count(*) FROM " + table + " WHERE id = " + id) == 1;
  }

  // ---------------------------------------------------------------- case 9

  /**
   * With {@code synchronous_commit = off} a commit returns before its WAL is written, so {@code
   * pg_current_wal_lsn()} read right after it can be behind the commit record: a replica that has
   * replayed up to that position may still lack the row. Replicas stream normally here.
   */
  @Test
  void case9SynchronousCommitOffIsStillReadYourWrites() throws Exception {
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
    int pairs = 300;
    int stale = 0;
    int replicaReads = 0;
    String primary = Cases.hostPort(cluster.primary());
    try (Connection a = Cases.lagwise(cluster);
        // B waits for a replica that has (by the token) the row, rather than going to the
        // primary: most reads then reach a replica, where a token behind the commit shows.
        Connection b = Cases.lagwise(cluster, "lagwise.waitForReplica=1s");
        Statement s = a.createStatement();
        PreparedStatement insert =
            a.prepareStatement("INSERT INTO " + ASYNC + " (v) VALUES (?) RETURNING id");
        PreparedStatement read = b.prepareStatement("SELECT v FROM " + ASYNC + " WHERE id = ?")) {
      s.execute("SET synchronous_commit = off");
      for (int i = 0; i < pairs; i++) {
        insert.setInt(1, i);
        long id;
        try (ResultSet rs = insert.executeQuery()) {
          rs.next();
          id = rs.getLong(1);
        }
        read.setLong(1, id);
        try (ResultSet rs = read.executeQuery()) {
          if (!rs.next()) {
            stale++;
          }
        }
        if (!primary.equals(Cases.lastNode(b))) {
          replicaReads++;
        }
      }
    }
    assertThat(stale)
        .as(
            "stale reads on connection B of rows connection A had just inserted with"
                + " synchronous_commit=off: %d of %d pairs (%d reads served by replicas)",
            stale, pairs, replicaReads)
        .isZero();
    assertThat(replicaReads)
        .as("reads served by replicas (else the test proves nothing)")
        .isPositive();
  }

  // ---------------------------------------------------------------- case 10

  /**
   * When the position capture after a write fails, every scope must still be protected: under the
   * default causal scope another connection's read must not reach a replica that lacks the write.
   * The capture is made to fail deterministically by shadowing {@code pg_current_wal_lsn()} in the
   * writing session's search_path (the monitor's own connections are unaffected).
   */
  @Test
  void case10AFailedPositionCaptureStillProtectsTheCausalScope() throws Exception {
    String path = "SET search_path = pcn_shadow, pg_catalog, public";
    try (Connection v = cluster.primary().connect();
        Statement s = v.createStatement()) {
      s.execute(path);
      assertThatThrownBy(
              () -> s.executeQuery("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint"))
          .as("setup: the capture query fails under this search_path")
          .hasMessageContaining("pcn: position capture made to fail");
    }
    long id = System.nanoTime();
    Cases.pauseReplicas(cluster, CANARY);
    try (Connection a = Cases.lagwise(cluster);
        Statement s = a.createStatement()) {
      s.execute(path);
      s.executeUpdate("INSERT INTO " + ROWS + " VALUES (" + id + ")");
      assertThat(sees(a, ROWS, id)).as("the writing connection reads its write").isTrue();
      try (Connection b = Cases.lagwise(cluster)) {
        assertThat(sees(b, ROWS, id))
            .as("another Lagwise connection, replay paused, after a write whose capture failed")
            .isTrue();
      }
    }
  }

  // ---------------------------------------------------------------- case 11

  /**
   * A SELECT ... FOR UPDATE is a write for routing, but it reads: what it saw, later reads of the
   * session must see too, even if its transaction rolls back (nothing to capture at a commit).
   */
  @Test
  void case11WhatSelectForUpdateSawStaysVisibleAfterRollback() throws Exception {
    long id = System.nanoTime();
    Cases.pauseReplicas(cluster, CANARY);
    // Committed by another session, behind Lagwise's back: no token covers it.
    Cases.onPrimary(cluster, "INSERT INTO " + ROWS + " VALUES (" + id + ")");
    try (Connection c = Cases.lagwise(cluster)) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery("SELECT id FROM " + ROWS + " WHERE id = " + id + " FOR UPDATE")) {
        assertThat(rs.next()).as("SELECT ... FOR UPDATE in the transaction sees the row").isTrue();
      }
      c.rollback();
      c.setAutoCommit(true);
      assertThat(sees(c, ROWS, id))
          .as("the next autocommit read on the same connection (monotonic reads), replay paused")
          .isTrue();
    }
  }
}
