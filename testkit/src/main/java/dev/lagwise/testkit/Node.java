package dev.lagwise.testkit;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/** One server process of a {@link Cluster}, with the fault controls a test can use. */
public interface Node {

  /** Stable name for messages, e.g. {@code primary}, {@code replica1}. */
  String name();

  String host();

  int port();

  Role role();

  /**
   * A direct URL for the vendor driver ({@code jdbc:postgresql://...} or {@code
   * jdbc:mariadb://...}).
   */
  String jdbcUrl();

  /** A new direct vendor connection with the cluster's credentials. */
  Connection connect() throws SQLException;

  /** True while the server process is alive (a hung process is alive). */
  boolean isRunning();

  /** Clean shutdown; {@link #start()} brings it back with the same data and port. */
  void stop();

  void start();

  /** SIGKILL: no shutdown, like a machine losing power. {@link #start()} brings it back. */
  void kill();

  /**
   * SIGSTOP to the server and all its processes: connections stay open but nothing answers, like a
   * hung host. Undone by {@link #unhang()}.
   */
  void hang();

  void unhang();

  /** Replica only: stop applying the log (it is still received). */
  void pauseReplay();

  void resumeReplay();

  /**
   * Stops replication's applier on a replica (MySQL/MariaDB: {@code STOP SLAVE SQL_THREAD}): broken
   * replication rather than slow replay; {@link #resumeReplay()} starts it again. PostgreSQL has no
   * such state apart from a paused replay.
   */
  default void stopReplay() {
    throw new UnsupportedOperationException("stopReplay is for MySQL and MariaDB replicas");
  }

  /**
   * Replica only: apply each transaction no earlier than {@code delay} after its commit on the
   * primary. {@link Duration#ZERO} clears it. MariaDB's {@code MASTER_DELAY} counts whole seconds
   * of second-truncated timestamps, so there a delay is rounded up to whole seconds plus one: never
   * shorter than asked, up to two seconds longer.
   */
  void setApplyDelay(Duration delay);

  /** Replica only: make this node a primary that accepts writes. Its role becomes PRIMARY. */
  void promote();

  /** Replica only: waits until this node has replayed the primary's current position. */
  void awaitCaughtUp(Duration timeout);

  /** The last lines of this server's log, for failure messages. */
  String logTail(int lines);
}
