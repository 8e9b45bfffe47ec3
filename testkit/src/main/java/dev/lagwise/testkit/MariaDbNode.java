package dev.lagwise.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * A MariaDB node: its server process plus the replication state testkit changed on it.
 *
 * <p>Replication uses GTIDs ({@code MASTER_USE_GTID=slave_pos}), so a replica that restarts, or
 * whose primary restarts, resumes from {@code @@gtid_slave_pos} by itself. {@code paused} and
 * {@code delaySeconds} record what a test asked for, so {@link MariaDbCluster#reset()} can undo it.
 *
 * <p>{@link #pauseReplay()} holds {@code FLUSH TABLES WITH READ LOCK} on a connection of its own:
 * the replication threads keep running (the replica reports healthy replication) while the applier
 * waits for the lock, as behind a long backup lock; the replica falls behind and keeps serving
 * reads. {@link #stopReplay()} stops the applier thread instead ({@code STOP SLAVE SQL_THREAD}),
 * which a router must see as broken replication.
 */
final class MariaDbNode implements Node {

  private final String name;
  private final MariaDbServer server;
  private final MariaDbCluster cluster;
  private volatile Role role;
  private MariaDbNode upstream;
  private boolean paused;
  private long delaySeconds;

  /** Holds FLUSH TABLES WITH READ LOCK while replay is paused; null otherwise. */
  private Connection replayLock;

  MariaDbNode(String name, Role role, MariaDbServer server, MariaDbCluster cluster) {
    this.name = name;
    this.role = role;
    this.server = server;
    this.cluster = cluster;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String host() {
    return "127.0.0.1";
  }

  @Override
  public int port() {
    return server.port();
  }

  @Override
  public Role role() {
    return role;
  }

  @Override
  public String jdbcUrl() {
    return "jdbc:mariadb://" + host() + ":" + port() + "/" + cluster.database();
  }

  @Override
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(), cluster.user(), cluster.password());
  }

  @Override
  public boolean isRunning() {
    return server.isAlive();
  }

  @Override
  public synchronized void stop() {
    releaseReplayLock();
    server.stop();
  }

  @Override
  public synchronized void start() {
    releaseReplayLock(); // the server it held the lock in is gone
    server.start(role == Role.REPLICA);
    paused = false; // a starting replica starts both replication threads
  }

  @Override
  public synchronized void kill() {
    server.kill();
  }

  @Override
  public synchronized void hang() {
    server.hang();
  }

  @Override
  public synchronized void unhang() {
    server.unhang();
  }

  boolean isHung() {
    return server.isHung();
  }

  synchronized boolean isPaused() {
    return paused;
  }

  synchronized long delaySeconds() {
    return delaySeconds;
  }

  long pid() {
    return server.pid();
  }

  MariaDbServer server() {
    return server;
  }

  /** Points this replica at {@code primary} and starts replicating from the first transaction. */
  synchronized void replicateFrom(MariaDbNode primary) {
    requireReplica("replicateFrom");
    upstream = primary;
    exec(
        "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT="
            + primary.port()
            + ", MASTER_USER='"
            + MariaDbSql.ADMIN_USER
            + "', MASTER_PASSWORD='"
            + MariaDbSql.ADMIN_PASSWORD
            + "', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1",
        "START SLAVE");
  }

  @Override
  public synchronized void pauseReplay() {
    requireReplica("pauseReplay");
    if (replayLock == null) {
      takeReplayLock();
    }
    paused = true;
  }

  private void takeReplayLock() {
    try {
      Connection c = MariaDbSql.admin(port(), Duration.ofSeconds(30));
      try (Statement s = c.createStatement()) {
        s.execute("FLUSH TABLES WITH READ LOCK");
      } catch (SQLException e) {
        c.close();
        throw e;
      }
      replayLock = c;
    } catch (SQLException e) {
      throw new IllegalStateException(
          "on " + name + ": FLUSH TABLES WITH READ LOCK failed: " + e, e);
    }
  }

  private void releaseReplayLock() {
    if (replayLock != null) {
      try {
        replayLock.close(); // ends the session: the lock goes with it
      } catch (SQLException ignored) {
        // The server may be gone already; so is the lock.
      }
      replayLock = null;
    }
  }

  @Override
  public synchronized void stopReplay() {
    requireReplica("stopReplay");
    exec("STOP SLAVE SQL_THREAD");
    paused = true;
  }

  @Override
  public synchronized void resumeReplay() {
    requireReplica("resumeReplay");
    releaseReplayLock();
    exec("START SLAVE SQL_THREAD");
    paused = false;
  }

  /** START SLAVE: resumes replay and restarts any replication thread that stopped. */
  synchronized void startReplication() {
    requireReplica("startReplication");
    releaseReplayLock();
    exec("START SLAVE");
    paused = false;
  }

  @Override
  public synchronized void setApplyDelay(Duration delay) {
    requireReplica("setApplyDelay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("apply delay must not be negative: " + delay);
    }
    // MASTER_DELAY counts whole seconds and compares event timestamps truncated to the second, so
    // N holds a transaction back between N-1 and N seconds: round up, then add one, so the delay
    // is never shorter than asked.
    long seconds = delay.isZero() ? 0 : delay.getSeconds() + (delay.getNano() > 0 ? 1 : 0) + 1;
    boolean locked = replayLock != null;
    releaseReplayLock(); // STOP SLAVE would wait for an applier that waits for the lock
    exec("STOP SLAVE", "CHANGE MASTER TO MASTER_DELAY=" + seconds, "START SLAVE");
    delaySeconds = seconds;
    if (locked) {
      takeReplayLock(); // keep what the test asked for
    } else if (paused) {
      exec("STOP SLAVE SQL_THREAD");
    }
  }

  @Override
  public synchronized void promote() {
    requireReplica("promote");
    releaseReplayLock();
    exec("STOP SLAVE", "RESET SLAVE ALL", "SET GLOBAL read_only=0");
    role = Role.PRIMARY;
    paused = false;
    delaySeconds = 0;
    cluster.promoted(this);
  }

  @Override
  public void awaitCaughtUp(Duration timeout) {
    MariaDbNode primary;
    synchronized (this) {
      requireReplica("awaitCaughtUp");
      primary = upstream;
    }
    String target;
    try {
      target = MariaDbSql.queryString(primary.port(), "SELECT @@gtid_binlog_pos");
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot read the position of " + primary.name() + " to wait for " + name, e);
    }
    // The wait runs in the server; the socket timeout only has to outlast it.
    try (Connection c = MariaDbSql.admin(port(), timeout.plusSeconds(10));
        PreparedStatement s = c.prepareStatement("SELECT MASTER_GTID_WAIT(?, ?)")) {
      s.setString(1, target);
      s.setDouble(2, timeout.toMillis() / 1000.0);
      try (ResultSet rs = s.executeQuery()) {
        String result = rs.next() ? rs.getString(1) : null;
        if (!"0".equals(result)) { // -1: timed out; NULL: the server could not wait
          throw new IllegalStateException(
              name
                  + " did not replay "
                  + primary.name()
                  + "'s position "
                  + target
                  + " within "
                  + timeout
                  + ": "
                  + MariaDbSql.slaveStatus(port()));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "waiting for " + name + " to reach " + target + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public String logTail(int lines) {
    return MariaDbFiles.tail(server.errorLog(), lines);
  }

  @Override
  public String toString() {
    return name + "(" + role + ", 127.0.0.1:" + port() + ")";
  }

  private void requireReplica(String what) {
    if (role != Role.REPLICA) {
      throw new IllegalStateException(what + " needs a replica, but " + name + " is " + role);
    }
  }

  private void exec(String... sql) {
    try {
      MariaDbSql.exec(port(), sql);
    } catch (SQLException e) {
      throw new IllegalStateException(
          ("on " + name + " (port " + port() + "): " + String.join("; ", sql) + " failed: " + e)
              .replace(MariaDbSql.ADMIN_PASSWORD, "***"),
          e);
    }
  }
}
