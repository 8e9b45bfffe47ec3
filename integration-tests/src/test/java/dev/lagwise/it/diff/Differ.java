package dev.lagwise.it.diff;

import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Engine;
import dev.lagwise.testkit.Node;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;

/**
 * Runs one sequence of operations on raw vendor JDBC against the primary alone and on Lagwise
 * against the whole cluster, one after the other on freshly reset tables, and compares the
 * outcomes; generates random sequences and shrinks a diverging one to a 1-minimal subsequence
 * (delta debugging: no single operation can be removed without the divergence going away).
 *
 * <p>{@link Mode#PAUSED} pauses every replica's replay while the Lagwise side runs (after the
 * replicas have replayed the reset), so that a read that reaches a replica after a write of the
 * sequence returns stale rows and shows up as a divergence: the read-your-writes check.
 */
final class Differ implements AutoCloseable {

  enum Mode {
    STREAMING,
    PAUSED
  }

  /** The result of one pair of runs. */
  record Comparison(List<Op> ops, List<Outcome> raw, List<Outcome> lagwise) {
    boolean diverges() {
      if (raw.size() != lagwise.size()) {
        return true;
      }
      for (int i = 0; i < raw.size(); i++) {
        if (!same(raw.get(i), lagwise.get(i))) {
          return true;
        }
      }
      return false;
    }
  }

  /**
   * The one normalization of outcomes: PgJDBC's {@code getTransactionIsolation()} asks the server
   * ({@code SHOW TRANSACTION ISOLATION LEVEL}) on every call, so inside an aborted transaction it
   * throws 25P02 where a driver that knows the level answers it. Then any answer matches.
   */
  static boolean same(Outcome raw, Outcome lagwise) {
    String r = raw.compared();
    String l = lagwise.compared();
    if (r.endsWith(ABORTED_ISOLATION) || r.contains(ABORTED_ISOLATION + " ")) {
      l = l.replaceAll(" iso=\\S+", ABORTED_ISOLATION);
    }
    return r.equals(l);
  }

  private static final String ABORTED_ISOLATION = " iso=ERR25";

  private final Cluster cluster;
  private final Engine engine;
  private final Mode mode;
  private final Tables tables;
  private final Side raw;
  private final Side lagwise;

  /** Keeps the cluster's monitor running between the short-lived connections under test. */
  private final Connection keeper;

  Differ(Cluster cluster, Mode mode) throws SQLException {
    this(cluster, mode, "0ms");
  }

  /**
   * @param waitForReplica Lagwise's {@code lagwise.waitForReplica}: {@code 0ms} compares routing as
   *     it happens; a wait makes a read-only transaction start on a replica deterministically
   */
  Differ(Cluster cluster, Mode mode, String waitForReplica) throws SQLException {
    this.cluster = cluster;
    this.engine = cluster.engine();
    this.mode = mode;
    this.tables = new Tables(engine, cluster.primary());
    Properties props = vendorProperties(cluster);
    String rawUrl = cluster.primary().jdbcUrl();
    String lagwiseUrl = cluster.lagwiseUrl() + "?lagwise.waitForReplica=" + waitForReplica;
    this.raw = new Side(engine, () -> DriverManager.getConnection(rawUrl, props), tables);
    this.lagwise = new Side(engine, () -> DriverManager.getConnection(lagwiseUrl, props), tables);
    this.keeper = DriverManager.getConnection(lagwiseUrl, props);
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
  }

  /** The same vendor settings on both sides: lock waits end, so a leaked lock cannot hang a run. */
  private static Properties vendorProperties(Cluster cluster) {
    Properties p = new Properties();
    p.setProperty("user", cluster.user());
    p.setProperty("password", cluster.password());
    if (cluster.engine() == Engine.POSTGRESQL) {
      p.setProperty("options", "-c lock_timeout=5s");
      p.setProperty("socketTimeout", "60");
    } else {
      p.setProperty("sessionVariables", "innodb_lock_wait_timeout=5,lock_wait_timeout=5");
      p.setProperty("socketTimeout", "60000");
    }
    return p;
  }

  Engine engine() {
    return engine;
  }

  Comparison compare(List<Op> ops) throws SQLException {
    tables.reset();
    List<Outcome> r = raw.run(ops);
    tables.reset();
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
    if (mode == Mode.PAUSED) {
      cluster.replicas().forEach(Node::pauseReplay);
    }
    try {
      return new Comparison(ops, r, lagwise.run(ops));
    } finally {
      if (mode == Mode.PAUSED) {
        cluster.replicas().forEach(Node::resumeReplay);
      }
    }
  }

  boolean diverges(List<Op> ops) {
    try {
      return compare(ops).diverges();
    } catch (SQLException e) {
      throw new IllegalStateException("the harness itself failed on " + ops, e);
    }
  }

  /**
   * A random sequence of 5 to 25 operations that apply to this engine, by weight, leaving out the
   * kinds named in {@code -Dlagwise.diff.exclude=KIND,KIND} (to look past a known divergence).
   */
  List<Op> generate(Random random) {
    List<String> excluded =
        List.of(System.getProperty("lagwise.diff.exclude", "").toUpperCase(Locale.ROOT).split(","));
    List<Kind> kinds = new ArrayList<>();
    for (Kind k : Kind.values()) {
      if (k.appliesTo(engine) && !excluded.contains(k.name())) {
        for (int i = 0; i < k.weight; i++) {
          kinds.add(k);
        }
      }
    }
    int length = 5 + random.nextInt(21);
    List<Op> ops = new ArrayList<>(length);
    for (int i = 0; i < length; i++) {
      Kind k = kinds.get(random.nextInt(kinds.size()));
      ops.add(Op.op(k, random.nextInt(k.args)));
    }
    return ops;
  }

  /**
   * Delta debugging (ddmin, complements only): removes chunks of halving size while the divergence
   * remains, down to single operations, then tries argument 0 for each operation.
   */
  List<Op> shrink(List<Op> failing) {
    List<Op> ops = new ArrayList<>(failing);
    int n = 2;
    while (ops.size() >= 2) {
      int chunk = (ops.size() + n - 1) / n;
      boolean reduced = false;
      for (int start = 0; start < ops.size(); start += chunk) {
        List<Op> complement = new ArrayList<>(ops.subList(0, start));
        complement.addAll(ops.subList(Math.min(ops.size(), start + chunk), ops.size()));
        if (diverges(complement)) {
          ops = complement;
          n = Math.max(n - 1, 2);
          reduced = true;
          break;
        }
      }
      if (!reduced) {
        if (chunk == 1) {
          break;
        }
        n = Math.min(ops.size(), n * 2);
      }
    }
    for (int i = 0; i < ops.size(); i++) {
      Op op = ops.get(i);
      if (op.arg() != 0) {
        List<Op> simpler = new ArrayList<>(ops);
        simpler.set(i, Op.op(op.kind(), 0));
        if (diverges(simpler)) {
          ops = simpler;
        }
      }
    }
    return ops;
  }

  /** The sequence as Java-ish lines with both outcomes side by side, differences marked. */
  String describe(Comparison c) {
    String rawName = engine == Engine.POSTGRESQL ? "raw PgJDBC on the primary" : "raw MariaDB";
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%-4s%s%n", "", "operation"));
    b.append(String.format(Locale.ROOT, "%-4s    %-10s%s%n", "", "side", "outcome"));
    int rows = Math.max(c.raw().size(), c.lagwise().size());
    for (int i = 0; i < rows; i++) {
      String line =
          i < c.ops().size()
              ? c.ops().get(i).java(engine) + "   // " + c.ops().get(i)
              : i == c.ops().size() ? "c.close();" : "(tables on the primary afterwards)";
      Outcome r = i < c.raw().size() ? c.raw().get(i) : Outcome.of("-");
      Outcome l = i < c.lagwise().size() ? c.lagwise().get(i) : Outcome.of("-");
      boolean same = same(r, l);
      b.append(String.format(Locale.ROOT, "%-4s%s%n", (same ? " " : "!") + (i + 1), line));
      b.append(String.format(Locale.ROOT, "%-4s    %-10s%s%n", "", "raw", r.shown()));
      b.append(
          String.format(
              Locale.ROOT, "%-4s    %-10s%s%n", "", "lagwise", same ? "same" : l.shown()));
    }
    b.append("as a case: List.of(");
    for (int i = 0; i < c.ops().size(); i++) {
      b.append(i == 0 ? "" : ", ").append(c.ops().get(i));
    }
    b.append(")   [raw: ").append(rawName).append(", mode ").append(mode).append("]\n");
    return b.toString();
  }

  @Override
  public void close() throws SQLException {
    try {
      keeper.close();
    } finally {
      tables.close();
    }
  }
}
