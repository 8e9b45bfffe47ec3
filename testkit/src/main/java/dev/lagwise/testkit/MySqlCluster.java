package dev.lagwise.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.testcontainers.containers.Network;
import org.testcontainers.lifecycle.Startables;

/**
 * A MySQL 8.4 primary with GTID replicas, each a {@code mysql:8.4} container on a Docker network of
 * its own, reached from the tests through a fixed host port.
 *
 * <pre>{@code
 * try (MySqlCluster cluster = MySqlCluster.builder().replicas(1).start()) {
 *   try (Connection c = cluster.primary().connect()) { ... }
 * }
 * }</pre>
 *
 * <p>Needs a Docker engine and, on the classpath, {@code org.testcontainers:testcontainers-mysql}
 * and {@code com.mysql:mysql-connector-j} (optional dependencies of testkit). Under JUnit use
 * {@code @ReplicatedCluster(engine = Engine.MYSQL)}, which skips the class when no engine is
 * reachable ({@link MySqlAvailability}).
 *
 * <p>Every node initialises its own database {@code test} and users (the image's entrypoint), then
 * testkit clears every node's binary log and GTID history ({@code RESET BINARY LOGS AND GTIDS}), so
 * replication starts from empty GTID sets and nothing but application data is replicated. Replicas
 * run {@code super_read_only}. After {@link Node#promote()} the promoted node is {@link
 * #primary()}; the other replicas keep replicating from the old primary, and {@link #reset()}
 * returns false.
 */
public final class MySqlCluster implements Cluster {

  private static final Duration CAUGHT_UP_TIMEOUT = Duration.ofSeconds(60);

  private final Network network;
  private final List<MySqlNode> nodes = new ArrayList<>();
  private volatile MySqlNode primary;
  private volatile boolean promoted;
  private boolean closed;

  private MySqlCluster(Network network) {
    this.network = network;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** How many replicas, then {@link #start()}. */
  public static final class Builder {
    private int replicas = 2;
    private boolean superReadOnly = true;

    private Builder() {}

    /** Number of GTID replicas, 0 or more; default 2, as for PostgreSQL. */
    public Builder replicas(int replicas) {
      if (replicas < 0) {
        throw new IllegalArgumentException("replicas must be >= 0, got " + replicas);
      }
      this.replicas = replicas;
      return this;
    }

    /**
     * Whether replicas run with {@code super_read_only=ON} (default true). False gives writable
     * replicas, as a misconfigured server would be.
     */
    public Builder superReadOnly(boolean superReadOnly) {
      this.superReadOnly = superReadOnly;
      return this;
    }

    /** Starts every container and waits until replication works; on failure removes them. */
    public MySqlCluster start() {
      MySqlCluster cluster = new MySqlCluster(Network.newNetwork());
      Cleanup.register(cluster);
      try {
        cluster.boot(replicas, superReadOnly);
        return cluster;
      } catch (RuntimeException | Error e) {
        cluster.close();
        throw e;
      }
    }
  }

  private void boot(int replicaCount, boolean superReadOnly) {
    for (int i = 0; i <= replicaCount; i++) {
      String name = i == 0 ? "primary" : "replica" + i;
      int port = Processes.freePort();
      MySqlServerContainer container = new MySqlServerContainer(name, i + 1, port, network);
      synchronized (this) {
        nodes.add(new MySqlNode(name, i == 0 ? Role.PRIMARY : Role.REPLICA, container, port, this));
      }
    }
    primary = nodes.get(0);
    // in parallel: most of a start is the image's entrypoint initialising a data directory
    Startables.deepStart(nodes.stream().map(MySqlNode::container)).join();
    for (MySqlNode n : nodes) {
      // The entrypoint's users and database went into each node's own binary log under its own
      // server UUID; a replica would fetch the primary's and fail on "already exists".
      n.exec(
          "RESET BINARY LOGS AND GTIDS",
          "SET SESSION sql_log_bin=0",
          "CREATE USER '"
              + MySqlSql.REPL_USER
              + "'@'%' IDENTIFIED BY '"
              + MySqlSql.REPL_PASSWORD
              + "'",
          "GRANT REPLICATION SLAVE ON *.* TO '" + MySqlSql.REPL_USER + "'@'%'");
    }
    for (MySqlNode n : nodes) {
      if (n != primary) {
        n.replicateFrom(primary, superReadOnly);
      }
    }
    awaitReplicasCaughtUp(CAUGHT_UP_TIMEOUT);
  }

  @Override
  public Engine engine() {
    return Engine.MYSQL;
  }

  @Override
  public synchronized List<Node> nodes() {
    return List.copyOf(nodes);
  }

  @Override
  public Node primary() {
    return primary;
  }

  @Override
  public synchronized List<Node> replicas() {
    return nodes.stream().filter(n -> n.role() == Role.REPLICA).collect(Collectors.toList());
  }

  @Override
  public String database() {
    return "test";
  }

  @Override
  public String user() {
    return MySqlSql.USER;
  }

  @Override
  public String password() {
    return MySqlSql.PASSWORD;
  }

  @Override
  public synchronized String hostList() {
    return nodes.stream().map(n -> n.host() + ":" + n.port()).collect(Collectors.joining(","));
  }

  @Override
  public String lagwiseUrl() {
    return "jdbc:lagwise:mysql://" + hostList() + "/" + database();
  }

  // Not synchronized: called with the node's lock held, and reset() takes the locks the other way.
  void promoted(MySqlNode node) {
    primary = node;
    promoted = true;
  }

  @Override
  public void awaitReplicasCaughtUp(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Node n : replicas()) {
      MySqlNode r = (MySqlNode) n;
      if (r.isRunning() && !r.isHung() && !r.isPaused()) {
        long left = Math.max(0, deadline - System.nanoTime());
        r.awaitCaughtUp(Duration.ofNanos(left));
      }
    }
  }

  @Override
  public synchronized boolean reset() {
    if (closed || promoted) {
      return false;
    }
    for (MySqlNode n : nodes) {
      n.unhang();
      if (!n.isRunning()) {
        n.start();
      }
    }
    for (MySqlNode n : nodes) {
      if (n.role() == Role.REPLICA) {
        if (n.delaySeconds() != 0) {
          n.setApplyDelay(Duration.ZERO);
        }
        n.startReplication(); // also restarts replication threads that stopped on an error
      }
    }
    awaitReplicasCaughtUp(CAUGHT_UP_TIMEOUT);
    return true;
  }

  /** Removes every container and the network. Idempotent; a failure is reported, not thrown. */
  @Override
  public void close() {
    List<MySqlNode> toStop;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toStop = List.copyOf(nodes);
    }
    for (MySqlNode n : toStop) {
      try {
        n.unhang(); // Docker refuses to kill a paused container
      } catch (RuntimeException e) {
        // removal below may still succeed
      }
      try {
        n.container().stop(); // kills and removes the container
      } catch (RuntimeException e) {
        System.err.println("lagwise-testkit: cannot remove " + n.name() + ": " + e);
      }
    }
    try {
      network.close();
    } catch (RuntimeException e) {
      System.err.println("lagwise-testkit: cannot remove the MySQL network: " + e);
    }
    Cleanup.unregister(this);
  }

  @Override
  public String toString() {
    return "MySqlCluster" + nodes();
  }
}
