package dev.lagwise.testkit;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.testcontainers.DockerClientFactory;

/**
 * A MySQL 8.4 node: its container plus the replication state testkit changed on it.
 *
 * <p>Replication uses GTID auto-positioning ({@code SOURCE_AUTO_POSITION=1}), so a replica that
 * restarts, or whose source restarts, resumes from its {@code @@gtid_executed} by itself; the
 * replica's configuration lives in its data directory, which a stopped container keeps. Stop,
 * start, kill and hang act on the container through the Docker API, not through Testcontainers'
 * {@code stop()} (which removes the container and its data). {@code paused} and {@code
 * delaySeconds} record what a test asked for, so {@link MySqlCluster#reset()} can undo it.
 */
final class MySqlNode implements Node {

  private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);

  private final String name;
  private final MySqlServerContainer container;
  private final MySqlCluster cluster;
  private final int port;
  private volatile Role role;
  private MySqlNode upstream;
  private boolean paused;
  private boolean hung;
  private long delaySeconds;

  MySqlNode(String name, Role role, MySqlServerContainer container, int port, MySqlCluster c) {
    this.name = name;
    this.role = role;
    this.container = container;
    this.port = port;
    this.cluster = c;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String host() {
    return container.getHost();
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public Role role() {
    return role;
  }

  @Override
  public String jdbcUrl() {
    return "jdbc:mysql://" + host() + ":" + port + "/" + cluster.database();
  }

  @Override
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(), cluster.user(), cluster.password());
  }

  MySqlServerContainer container() {
    return container;
  }

  // ---------------------------------------------------------------- container faults

  @Override
  public boolean isRunning() {
    String id = container.getContainerId();
    if (id == null) {
      return false;
    }
    try {
      InspectContainerResponse.ContainerState state =
          docker().inspectContainerCmd(id).exec().getState();
      return Boolean.TRUE.equals(state.getRunning()); // a paused container is still running
    } catch (NotFoundException e) {
      return false; // removed by MySqlCluster.close()
    }
  }

  @Override
  public synchronized void stop() {
    unhang(); // Docker refuses to stop or kill a paused container
    docker().stopContainerCmd(container.getContainerId()).withTimeout(60).exec();
  }

  @Override
  public synchronized void start() {
    docker().startContainerCmd(container.getContainerId()).exec();
    awaitReady();
    paused = false; // a starting replica starts both replication threads
  }

  @Override
  public synchronized void kill() {
    unhang();
    docker().killContainerCmd(container.getContainerId()).withSignal("SIGKILL").exec();
  }

  @Override
  public synchronized void hang() {
    if (!hung) {
      docker().pauseContainerCmd(container.getContainerId()).exec();
      hung = true;
    }
  }

  @Override
  public synchronized void unhang() {
    if (hung) {
      docker().unpauseContainerCmd(container.getContainerId()).exec();
      hung = false;
    }
  }

  synchronized boolean isHung() {
    return hung;
  }

  synchronized boolean isPaused() {
    return paused;
  }

  synchronized long delaySeconds() {
    return delaySeconds;
  }

  private static DockerClient docker() {
    return DockerClientFactory.instance().client();
  }

  /** Polls until the server takes a login: the container is up before mysqld listens. */
  private void awaitReady() {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    SQLException last;
    do {
      try (Connection c = MySqlSql.admin(host(), port, Duration.ofSeconds(10))) {
        return;
      } catch (SQLException e) {
        last = e;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + name, e);
      }
    } while (System.nanoTime() < deadline);
    throw new IllegalStateException(
        name
            + " (port "
            + port
            + ") did not accept a login within "
            + READY_TIMEOUT
            + ": "
            + last
            + "\n"
            + logTail(30),
        last);
  }

  // ---------------------------------------------------------------- replication

  /**
   * Points this replica at {@code source} and starts replicating; then makes it super-read-only
   * (persisted, so it survives restarts) unless the cluster was built without it.
   */
  synchronized void replicateFrom(MySqlNode source, boolean superReadOnly) {
    requireReplica("replicateFrom");
    upstream = source;
    exec(
        "CHANGE REPLICATION SOURCE TO SOURCE_HOST='"
            + source.name
            + "', SOURCE_PORT="
            + MySqlServerContainer.MYSQL_PORT
            + ", SOURCE_USER='"
            + MySqlSql.REPL_USER
            + "', SOURCE_PASSWORD='"
            + MySqlSql.REPL_PASSWORD
            // the source's account uses caching_sha2_password and the link is not TLS
            + "', GET_SOURCE_PUBLIC_KEY=1, SOURCE_AUTO_POSITION=1"
            // keep retrying every second while a test has the source stopped or hung
            + ", SOURCE_CONNECT_RETRY=1, SOURCE_RETRY_COUNT=86400",
        "START REPLICA");
    if (superReadOnly) {
      exec("SET PERSIST super_read_only=ON");
    }
  }

  @Override
  public synchronized void pauseReplay() {
    requireReplica("pauseReplay");
    exec("STOP REPLICA SQL_THREAD");
    paused = true;
  }

  @Override
  public synchronized void resumeReplay() {
    requireReplica("resumeReplay");
    exec("START REPLICA SQL_THREAD");
    paused = false;
  }

  /** START REPLICA: resumes replay and restarts any replication thread that stopped. */
  synchronized void startReplication() {
    requireReplica("startReplication");
    exec("START REPLICA");
    paused = false;
  }

  @Override
  public synchronized void setApplyDelay(Duration delay) {
    requireReplica("setApplyDelay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("apply delay must not be negative: " + delay);
    }
    // SOURCE_DELAY counts whole seconds against microsecond commit timestamps (8.0+): rounding
    // up is enough for the delay never to be shorter than asked.
    long seconds = delay.getSeconds() + (delay.getNano() > 0 ? 1 : 0);
    // Only the applier has to stop for SOURCE_DELAY; the receiver keeps fetching meanwhile.
    exec("STOP REPLICA SQL_THREAD", "CHANGE REPLICATION SOURCE TO SOURCE_DELAY=" + seconds);
    if (!paused) {
      exec("START REPLICA SQL_THREAD");
    }
    delaySeconds = seconds;
  }

  @Override
  public synchronized void promote() {
    requireReplica("promote");
    // turning super_read_only off leaves read_only on: both, persisted like they were set
    exec("STOP REPLICA", "RESET REPLICA ALL", "SET PERSIST super_read_only=OFF, read_only=OFF");
    role = Role.PRIMARY;
    paused = false;
    delaySeconds = 0;
    cluster.promoted(this);
  }

  @Override
  public void awaitCaughtUp(Duration timeout) {
    MySqlNode source;
    synchronized (this) {
      requireReplica("awaitCaughtUp");
      source = upstream;
    }
    String target;
    try {
      target = MySqlSql.queryString(source.host(), source.port, "SELECT @@GLOBAL.gtid_executed");
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot read the GTID set of " + source.name + " to wait for " + name, e);
    }
    // The wait runs in the server; the socket timeout only has to outlast it.
    try (Connection c = MySqlSql.admin(host(), port, timeout.plusSeconds(10));
        PreparedStatement s = c.prepareStatement("SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?)")) {
      s.setString(1, target);
      // whole seconds, at least one: 0 would not wait at all
      s.setLong(2, Math.max(1, (timeout.toMillis() + 999) / 1000));
      try (ResultSet rs = s.executeQuery()) {
        String result = rs.next() ? rs.getString(1) : null;
        if (!"0".equals(result)) { // 1: timed out
          throw new IllegalStateException(
              name
                  + " did not execute "
                  + source.name
                  + "'s GTID set "
                  + target
                  + " within "
                  + timeout
                  + ": "
                  + MySqlSql.replicaStatus(host(), port));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "waiting for " + name + " to reach " + target + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public String logTail(int lines) {
    try {
      List<String> all = container.getLogs().lines().toList();
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (RuntimeException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public String toString() {
    return name + "(" + role + ", " + host() + ":" + port + ")";
  }

  private void requireReplica(String what) {
    if (role != Role.REPLICA) {
      throw new IllegalStateException(what + " needs a replica, but " + name + " is " + role);
    }
  }

  void exec(String... sql) {
    try {
      MySqlSql.exec(host(), port, sql);
    } catch (SQLException e) {
      throw new IllegalStateException(
          ("on " + name + " (port " + port + "): " + String.join("; ", sql) + " failed: " + e)
              .replace(MySqlSql.REPL_PASSWORD, "***"),
          e);
    }
  }
}
