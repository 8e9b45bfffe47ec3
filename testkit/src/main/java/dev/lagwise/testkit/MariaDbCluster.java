package dev.lagwise.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;

/**
 * A MariaDB primary with GTID replicas, each its own mariadbd on a free loopback port.
 *
 * <pre>{@code
 * try (MariaDbCluster cluster = MariaDbCluster.builder().replicas(2).start()) {
 *   try (Connection c = cluster.primary().connect()) { ... }
 * }
 * }</pre>
 *
 * <p>Users are local to each node (created by an init file with the binary log off), so nothing but
 * application data goes through replication; the {@code test} database is created on the primary
 * and replicated. Replicas run with {@code read_only=1}. After {@link Node#promote()} the promoted
 * node is {@link #primary()}; the other replicas keep replicating from the old primary, which keeps
 * accepting writes, and {@link #reset()} returns false.
 */
public final class MariaDbCluster implements Cluster {

  private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration CAUGHT_UP_TIMEOUT = Duration.ofSeconds(60);

  private static boolean reaped;

  private final Path dir;
  private final List<MariaDbNode> nodes = new ArrayList<>();
  private volatile MariaDbNode primary;
  private volatile boolean promoted;
  private boolean closed;

  private MariaDbCluster(Path dir) {
    this.dir = dir;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** How many replicas, then {@link #start()}. */
  public static final class Builder {
    private int replicas = 2;
    private IntSupplier ports = Processes::freePort;
    private List<String> serverArgs = List.of();

    private Builder() {}

    /** Number of GTID replicas, 0 or more; default 2, as for PostgreSQL. */
    public Builder replicas(int replicas) {
      if (replicas < 0) {
        throw new IllegalArgumentException("replicas must be >= 0, got " + replicas);
      }
      this.replicas = replicas;
      return this;
    }

    /** Where ports come from; tests hand out a taken one to check the retry. */
    Builder ports(IntSupplier ports) {
      this.ports = ports;
      return this;
    }

    /** Extra mariadbd options for every node, after testkit's own. */
    Builder serverArgs(String... args) {
      this.serverArgs = List.of(args);
      return this;
    }

    /** Starts every node and waits until replication works; on failure leaves nothing behind. */
    public MariaDbCluster start() {
      MariaDbBinaries binaries = MariaDbBinaries.get();
      reapOrphansOnce();
      Path dir;
      try {
        dir = Files.createTempDirectory(MariaDbReaper.PREFIX);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a temporary directory", e);
      }
      MariaDbReaper.claim(dir);
      MariaDbCluster cluster = new MariaDbCluster(dir);
      Cleanup.register(cluster);
      try {
        cluster.boot(binaries, replicas, ports, serverArgs);
        return cluster;
      } catch (RuntimeException | Error e) {
        cluster.close();
        throw e;
      }
    }
  }

  private static synchronized void reapOrphansOnce() {
    if (!reaped) {
      reaped = true;
      MariaDbReaper.reapOrphans(Path.of(System.getProperty("java.io.tmpdir")));
    }
  }

  private void boot(
      MariaDbBinaries binaries, int replicaCount, IntSupplier ports, List<String> serverArgs) {
    Path template = MariaDbInstall.template(binaries, dir, INSTALL_TIMEOUT);
    for (int i = 0; i <= replicaCount; i++) {
      String name = i == 0 ? "primary" : "replica" + i;
      Path nodeDir = dir.resolve(name);
      MariaDbInstall.prepareNode(template, nodeDir, user(), password());
      MariaDbServer server = new MariaDbServer(binaries, nodeDir, i + 1, serverArgs);
      synchronized (this) {
        nodes.add(new MariaDbNode(name, i == 0 ? Role.PRIMARY : Role.REPLICA, server, this));
      }
    }
    primary = nodes.get(0);
    startAll(ports);
    for (MariaDbNode n : nodes) {
      if (n != primary) {
        n.replicateFrom(primary);
      }
    }
    try {
      MariaDbSql.exec(primary.port(), "CREATE DATABASE " + database());
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + database(), e);
    }
    awaitReplicasCaughtUp(CAUGHT_UP_TIMEOUT);
  }

  /** Starts every server at once: most of a start is waiting for InnoDB files to be written. */
  private void startAll(IntSupplier ports) {
    ExecutorService pool = Executors.newFixedThreadPool(nodes.size());
    try {
      List<Future<?>> started = new ArrayList<>();
      for (MariaDbNode n : nodes) {
        started.add(pool.submit(() -> n.server().firstStart(ports, n.role() == Role.REPLICA)));
      }
      RuntimeException failure = null;
      for (Future<?> f : started) {
        try {
          f.get();
        } catch (ExecutionException e) {
          RuntimeException cause =
              e.getCause() instanceof RuntimeException
                  ? (RuntimeException) e.getCause()
                  : new IllegalStateException(e.getCause());
          if (failure == null) {
            failure = cause;
          } else {
            failure.addSuppressed(cause);
          }
        }
      }
      if (failure != null) {
        throw failure;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting MariaDB", e);
    } finally {
      pool.shutdownNow();
    }
  }

  @Override
  public Engine engine() {
    return Engine.MARIADB;
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
    return MariaDbSql.USER;
  }

  @Override
  public String password() {
    return MariaDbSql.PASSWORD;
  }

  @Override
  public synchronized String hostList() {
    return nodes.stream().map(n -> n.host() + ":" + n.port()).collect(Collectors.joining(","));
  }

  @Override
  public String lagwiseUrl() {
    return "jdbc:lagwise:mariadb://" + hostList() + "/" + database();
  }

  /** The directory holding every node's files; gone after {@link #close()}. */
  Path directory() {
    return dir;
  }

  // Not synchronized: called with the node's lock held, and reset() takes the locks the other way.
  void promoted(MariaDbNode node) {
    primary = node;
    promoted = true;
  }

  @Override
  public void awaitReplicasCaughtUp(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Node n : replicas()) {
      MariaDbNode r = (MariaDbNode) n;
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
    for (MariaDbNode n : nodes) {
      n.unhang();
      if (!n.isRunning()) {
        n.start();
      }
    }
    for (MariaDbNode n : nodes) {
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

  @Override
  public void close() {
    List<MariaDbNode> toStop;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toStop = List.copyOf(nodes);
    }
    // SIGTERM to all first, then wait: the servers shut down in parallel.
    for (MariaDbNode n : toStop) {
      synchronized (n) {
        n.server().beginStop();
      }
    }
    for (MariaDbNode n : toStop) {
      synchronized (n) {
        n.server().awaitStopped();
      }
    }
    Archives.deleteTree(dir);
    Cleanup.unregister(this);
  }

  @Override
  public String toString() {
    return "MariaDbCluster" + nodes();
  }
}
