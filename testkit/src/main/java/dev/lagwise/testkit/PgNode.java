package dev.lagwise.testkit;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * One PostgreSQL server of a {@link PostgresCluster}: its process (see {@link PgProcess}) and the
 * SQL-level fault controls.
 *
 * <p>Controls talk to the server over short-lived admin connections with connect and socket
 * timeouts, so that a hung node makes a control fail instead of hanging testkit.
 */
final class PgNode implements Node {

  private final PostgresCluster cluster;
  private final String name;
  private final PgProcess process;
  private volatile Role role;
  private volatile boolean paused;
  private volatile boolean delayed;

  PgNode(PostgresCluster cluster, String name, Role role, PgProcess process) {
    this.cluster = cluster;
    this.name = name;
    this.role = role;
    this.process = process;
  }

  // ---------------------------------------------------------------- identity

  @Override
  public String name() {
    return name;
  }

  @Override
  public String host() {
    return PgProcess.HOST;
  }

  @Override
  public int port() {
    return process.port();
  }

  @Override
  public Role role() {
    return role;
  }

  @Override
  public String jdbcUrl() {
    return "jdbc:postgresql://" + host() + ":" + port() + "/" + cluster.database();
  }

  @Override
  public Connection connect() throws SQLException {
    return PgProcess.connect(jdbcUrl(), cluster.user(), cluster.password(), 10, 0);
  }

  @Override
  public String logTail(int lines) {
    return process.logTail(lines);
  }

  @Override
  public String toString() {
    return name + "@" + host() + ":" + port() + " (" + role + ")";
  }

  boolean isHung() {
    return process.isHung();
  }

  boolean isPaused() {
    return paused;
  }

  boolean isDelayed() {
    return delayed;
  }

  PgProcess process() {
    return process;
  }

  // ---------------------------------------------------------------- process faults

  @Override
  public boolean isRunning() {
    return process.isRunning();
  }

  @Override
  public void stop() {
    process.stop();
  }

  @Override
  public void start() {
    process.start(false);
  }

  @Override
  public void kill() {
    process.kill();
  }

  @Override
  public void hang() {
    process.hang();
  }

  @Override
  public void unhang() {
    process.unhang();
  }

  // ---------------------------------------------------------------- replication controls

  @Override
  public void pauseReplay() {
    requireReplica("pauseReplay");
    // a pause request takes effect before the next WAL record is applied, so later writes stay
    // invisible here even if the startup process has not reported "paused" yet
    query("SELECT pg_wal_replay_pause()", 30);
    paused = true;
  }

  @Override
  public void resumeReplay() {
    requireReplica("resumeReplay");
    query("SELECT pg_wal_replay_resume()", 30);
    paused = false;
  }

  @Override
  public void setApplyDelay(Duration delay) {
    requireReplica("setApplyDelay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("negative apply delay: " + delay);
    }
    long ms = delay.toMillis() + (delay.toNanosPart() % 1_000_000 == 0 ? 0 : 1);
    String expected = Long.toString(ms);
    try (Connection c = admin(30);
        Statement s = c.createStatement()) {
      s.execute(
          ms == 0
              ? "ALTER SYSTEM RESET recovery_min_apply_delay"
              : "ALTER SYSTEM SET recovery_min_apply_delay = '" + ms + "ms'");
      s.execute("SELECT pg_reload_conf()");
    } catch (SQLException e) {
      throw failure("setApplyDelay(" + delay + ")", e);
    }
    // The reload is asynchronous. The postmaster re-reads the file first and then signals its
    // children, startup process included; a new session seeing the value means that signal is
    // out, and the startup process acts on it before it applies the next record.
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!expected.equals(
        query("SELECT setting FROM pg_settings WHERE name = 'recovery_min_apply_delay'", 30))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(name + ": recovery_min_apply_delay never became " + ms);
      }
      PgProcess.sleep(20);
    }
    PgProcess.sleep(100);
    delayed = ms > 0;
  }

  @Override
  public void promote() {
    requireReplica("promote");
    String promoted = query("SELECT pg_promote(true, 60)", 90);
    if (!"t".equals(promoted)) {
      throw new IllegalStateException(
          name + " was not promoted within 60 s; log tail:\n" + logTail(30));
    }
    role = Role.PRIMARY;
    paused = false;
    cluster.promoted(this);
  }

  @Override
  public void awaitCaughtUp(Duration timeout) {
    requireReplica("awaitCaughtUp");
    PgNode primary = cluster.primaryNode();
    String target = primary.query("SELECT pg_current_wal_lsn()::text", 30);
    long deadline = System.nanoTime() + timeout.toNanos();
    String sql =
        "SELECT coalesce(pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '"
            + target
            + "') >= 0, false), pg_last_wal_replay_lsn()::text";
    try (Connection c = admin(30);
        Statement s = c.createStatement()) {
      while (true) {
        String replayed;
        try (ResultSet rs = s.executeQuery(sql)) {
          rs.next();
          if (rs.getBoolean(1)) {
            return;
          }
          replayed = rs.getString(2);
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              name
                  + " did not replay up to "
                  + primary.name()
                  + "'s "
                  + target
                  + " within "
                  + timeout
                  + " (replayed: "
                  + replayed
                  + ", replay paused: "
                  + paused
                  + "); log tail:\n"
                  + logTail(20));
        }
        PgProcess.sleep(10);
      }
    } catch (SQLException e) {
      throw failure("awaitCaughtUp", e);
    }
  }

  // ---------------------------------------------------------------- internal

  /** Puts this node back in its initial shape: running, answering, replaying without delay. */
  void reset() {
    unhang();
    if (!isRunning()) {
      start();
    }
    if (role == Role.REPLICA) {
      resumeReplay();
      if (delayed) {
        setApplyDelay(Duration.ZERO);
      }
    }
  }

  private void requireReplica(String control) {
    if (role != Role.REPLICA) {
      throw new IllegalStateException(control + " needs a replica, but " + this + " is not one");
    }
  }

  /** Runs a one-row, one-column query on this node and returns the value as text. */
  String query(String sql, int socketTimeoutSeconds) {
    try (Connection c = admin(socketTimeoutSeconds);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    } catch (SQLException e) {
      throw failure(sql, e);
    }
  }

  /** An admin connection to the always-present {@code postgres} database. */
  Connection admin(int socketTimeoutSeconds) throws SQLException {
    return PgProcess.connect(
        "jdbc:postgresql://" + host() + ":" + port() + "/postgres",
        cluster.user(),
        cluster.password(),
        5,
        socketTimeoutSeconds);
  }

  private IllegalStateException failure(String what, SQLException e) {
    return new IllegalStateException(
        name + " (" + host() + ":" + port() + "): " + what + " failed: " + e.getMessage(), e);
  }
}
