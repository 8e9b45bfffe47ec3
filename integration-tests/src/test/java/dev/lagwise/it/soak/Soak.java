package dev.lagwise.it.soak;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.lagwise.LagwiseCluster;
import dev.lagwise.LagwiseClusters;
import dev.lagwise.it.soak.Outcomes.Op;
import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Node;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.assertj.core.api.SoftAssertions;

/**
 * The engine-independent soak: {@link #WORKERS} threads through one HikariCP pool over Lagwise
 * while a seeded {@link Fault} schedule stops, kills, hangs and pauses replicas, restarts the
 * primary, and near the end promotes a replica (and runs the old primary beside it for a while);
 * then the invariants are printed and asserted.
 *
 * <p>Invariants: no read misses a write this JVM saw committed (read-your-writes after an insert,
 * both rows after a transaction, and at least the known rows in a causal range read); every write
 * the application saw succeed is on the final primary; a transaction whose commit failed is there
 * whole or not at all; no read fails in a window where only a replica is faulty; each host's
 * sessions stay within the pool's bound and drop to zero after the pool closes, and the cluster's
 * monitor threads stop. Writes failing while the primary is down are allowed and counted.
 *
 * <p>The run lasts {@code -Dlagwise.soakSeconds} (60 by default, at least 40), with {@code
 * -Dlagwise.soakSeed} choosing the schedule (42 by default).
 */
final class Soak {

  static final int WORKERS = 12;
  static final int POOL_SIZE = 8;
  private static final long WARM_UP_MILLIS = 5_000;
  private static final long HOLD_MILLIS = 2_500;
  private static final long SETTLE_MILLIS = 3_000;

  /** The promotion begins this long before the end, leaving time to see writes resume. */
  private static final long PROMOTION_BEFORE_END_MILLIS = 18_000;

  private static final long DRAIN_MILLIS = 15_000;

  private final Cluster cluster;
  private final SoakTarget target;
  private final long seconds = Math.max(40, Long.getLong("lagwise.soakSeconds", 60));
  private final long seed = Long.getLong("lagwise.soakSeed", 42);
  private final Random random = new Random(seed);
  private final Outcomes out = new Outcomes();
  private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
  private final List<String> schedule = new ArrayList<>();
  private final StringBuilder summary = new StringBuilder();
  private volatile boolean stopping;
  private long startNanos;
  private Node oldPrimary;

  Soak(Cluster cluster, SoakTarget target) {
    this.cluster = cluster;
    this.target = target;
  }

  void run() throws Exception {
    createTables();
    out.primaryAddress = address(cluster.primary());
    String applicationName = "soak-" + UUID.randomUUID().toString().substring(0, 8);
    HikariDataSource pool = pool(applicationName);
    Worker[] workers = new Worker[WORKERS];
    Thread[] threads = new Thread[WORKERS];
    startNanos = System.nanoTime();
    for (int i = 0; i < WORKERS; i++) {
      workers[i] = new Worker(i, pool, out, gate.readLock(), () -> stopping, seed * 31 + i);
      threads[i] = new Thread(workers[i], "soak-worker-" + i);
      threads[i].start();
    }
    Thread.sleep(WARM_UP_MILLIS);
    Map<String, Integer> sessionsAtStart = target.sessions(cluster);
    runSchedule(startNanos + Duration.ofSeconds(seconds).toNanos());
    stopping = true;
    for (Thread t : threads) {
      t.join(60_000);
      assertThat(t.isAlive())
          .as(t.getName() + " still running 60 s after the soak ended")
          .isFalse();
    }
    Map<String, Integer> sessionsAtEnd = target.sessions(cluster);
    String reasons = routeReasons();
    pool.close();
    long closedAt = System.nanoTime();
    Map<String, Integer> sessionsAfterClose = awaitNoSessions();
    long sessionsGoneMillis = (System.nanoTime() - closedAt) / 1_000_000;
    List<String> monitorThreads = awaitNoMonitorThreads();
    long threadsGoneMillis = (System.nanoTime() - closedAt) / 1_000_000;
    Verdict verdict = Verdict.check(cluster, workers, oldPrimary);

    line(
        "soak %s: %d s, seed %d, %d workers, pool %d, options '%s'",
        target, seconds, seed, WORKERS, POOL_SIZE, System.getProperty("lagwise.soakOptions", ""));
    schedule.forEach(s -> line("  %s", s));
    Latency all = new Latency();
    for (Op op : Op.values()) {
      Latency merged = new Latency();
      for (Worker w : workers) {
        merged.add(w.latency.get(op));
      }
      all.add(merged);
      line("succeeded %-10s %s", op, merged.describe());
    }
    line("succeeded all        %s", all.describe());
    for (Fault fault : Fault.values()) {
      Latency merged = new Latency();
      for (Worker w : workers) {
        merged.add(w.readsByWindow.get(fault));
      }
      line("reads begun during %-20s %s", fault, merged.describe());
    }
    line(
        "writes: %d succeeded, %d failed; reads: %d, on a replica %.1f%%",
        out.writesSucceeded.sum(),
        out.writesFailed.sum(),
        out.readsTotal.sum(),
        100.0 * out.readsOnReplica.sum() / Math.max(1, out.readsTotal.sum()));
    out.failuresByKind().forEach((k, v) -> line("failed %s: %d", k, v));
    out.firstMessages().forEach((k, v) -> line("  first %s: %s", k, v));
    line("route reasons: %s", reasons);
    line(
        "violations: read-your-writes %d, stale causal reads %d, transaction visibility %d,"
            + " reads or close() failed in replica-only windows %d (and %d more because the primary was"
            + " taken away outside a primary fault: not asserted)",
        out.readYourWritesViolations.sum(),
        out.staleCausalReads.sum(),
        out.transactionVisibilityViolations.sum(),
        out.readsFailedInReplicaWindows.sum(),
        out.readsFailedPrimaryLostUnprovoked.sum());
    out.samples().forEach(s -> line("  %s", s));
    line(
        "writes: %d rows acknowledged, %d lost; %d transactions with a failed commit (%d with"
            + " 08007): %d on the primary whole, %d torn, %d reported failed (not 08007) yet"
            + " committed; counters off: %d",
        verdict.acknowledged,
        verdict.lost,
        verdict.doubtful,
        verdict.unknown,
        verdict.doubtfulPresent,
        verdict.torn,
        verdict.failedYetCommitted,
        verdict.countersOff);
    line(
        "%d transactions failed before their commit, %d of them with rows on the primary",
        verdict.failedBeforeCommit, verdict.failedBeforeCommitPresent);
    verdict.counterDetails.forEach(d -> line("  %s", d));
    line(
        "rows on the old primary that the final primary lacks (not acknowledged): %d",
        verdict.onlyOnOldPrimary);
    line(
        "sessions of %s: after warm-up %s, at the end %s",
        cluster.user(), sessionsAtStart, sessionsAtEnd);
    line("after close: %s within %d ms", sessionsAfterClose, sessionsGoneMillis);
    line(
        "monitor threads left after close: %s (checked within %d ms)",
        monitorThreads, threadsGoneMillis);
    System.out.print(summary);

    int bound = POOL_SIZE + 2;
    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(out.readYourWritesViolations.sum()).as("read-your-writes violations").isZero();
    soft.assertThat(out.staleCausalReads.sum()).as("stale causal range reads").isZero();
    soft.assertThat(out.transactionVisibilityViolations.sum())
        .as("torn reads after commit")
        .isZero();
    soft.assertThat(out.readsFailedInReplicaWindows.sum())
        .as("reads or close() failed while only a replica was faulty")
        .isZero();
    soft.assertThat(verdict.lost).as("lost writes").isZero();
    soft.assertThat(verdict.torn).as("transactions committed in part").isZero();
    soft.assertThat(verdict.failedYetCommitted)
        .as("commits reported failed without 08007 that did commit")
        .isZero();
    soft.assertThat(verdict.failedBeforeCommitPresent)
        .as("transactions that failed before their commit yet left rows")
        .isZero();
    soft.assertThat(verdict.countersOff)
        .as("counters not matching committed transactions")
        .isZero();
    soft.assertThat(out.writesSucceeded.sum()).as("writes succeeded").isPositive();
    sessionsAtStart.forEach(
        (node, n) ->
            soft.assertThat(n)
                .as("sessions on " + node + " after warm-up")
                .isLessThanOrEqualTo(bound));
    sessionsAtEnd.forEach(
        (node, n) ->
            soft.assertThat(n)
                .as("sessions on " + node + " at the end")
                .isLessThanOrEqualTo(bound));
    sessionsAfterClose.forEach(
        (node, n) -> soft.assertThat(n).as("sessions on " + node + " after close").isZero());
    soft.assertThat(monitorThreads).as("monitor threads after close").isEmpty();
    soft.assertAll();
  }

  private void createTables() throws SQLException {
    try (Connection c = cluster.primary().connect();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE soak_rows (id BIGINT PRIMARY KEY, worker INT NOT NULL, kind CHAR(1) NOT NULL)");
      s.execute("CREATE TABLE soak_counters (worker INT PRIMARY KEY, n BIGINT NOT NULL)");
      for (int i = 0; i < WORKERS; i++) {
        s.execute("INSERT INTO soak_counters VALUES (" + i + ", 0)");
      }
    }
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
  }

  private HikariDataSource pool(String applicationName) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(applicationName);
    config.setJdbcUrl(target.url(cluster, applicationName));
    config.setUsername(cluster.user());
    config.setPassword(cluster.password());
    config.setMaximumPoolSize(POOL_SIZE);
    config.setMinimumIdle(POOL_SIZE);
    config.setConnectionTimeout(5_000);
    config.setValidationTimeout(2_000);
    // Hikari fails fast when it cannot open its first connection; the pool opens them lazily here.
    config.setInitializationFailTimeout(-1);
    return new HikariDataSource(config);
  }

  /** Faults in a seeded rotation until the promotion, which comes near the end. */
  private void runSchedule(long endNanos) throws InterruptedException {
    long promoteAt = endNanos - Duration.ofMillis(PROMOTION_BEFORE_END_MILLIS).toNanos();
    List<Fault> round = new ArrayList<>();
    while (System.nanoTime() + Duration.ofMillis(HOLD_MILLIS + SETTLE_MILLIS).toNanos()
        < promoteAt) {
      if (round.isEmpty()) {
        round.addAll(Arrays.asList(Fault.ROTATION));
        java.util.Collections.shuffle(round, random);
      }
      Fault fault = round.remove(0);
      List<Node> replicas = cluster.replicas();
      Node node = fault.primary ? cluster.primary() : replicas.get(random.nextInt(replicas.size()));
      out.window = fault;
      note(fault + " " + node.name());
      fault.inject(node);
      Thread.sleep(HOLD_MILLIS);
      fault.undo(node);
      note("  undone");
      Thread.sleep(SETTLE_MILLIS);
    }
    promote();
    long left = endNanos - System.nanoTime();
    if (left > 0) {
      Thread.sleep(left / 1_000_000);
    }
    note("end");
  }

  /**
   * A controlled promotion: operations drained (the gate), replicas caught up, the old primary
   * stopped, then a replica promoted. Draining is what makes "no acknowledged write lost" a fair
   * demand: without it a write acknowledged by the old primary after the last catch-up would be
   * lost by any asynchronous replication, Lagwise or not.
   */
  private void promote() throws InterruptedException {
    out.window = Fault.PROMOTION;
    List<Node> replicas = cluster.replicas();
    Node promoted = replicas.get(random.nextInt(replicas.size()));
    Node old = cluster.primary();
    oldPrimary = old;
    gate.writeLock().lock();
    try {
      cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
      old.stop();
    } finally {
      gate.writeLock().unlock();
    }
    note("PROMOTION: " + old.name() + " stopped");
    Thread.sleep(1_000);
    promoted.promote();
    out.primaryAddress = address(promoted);
    note("  " + promoted.name() + " promoted");
    long writes = out.writesSucceeded.sum();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (out.writesSucceeded.sum() == writes && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    note("  writes resumed: " + (out.writesSucceeded.sum() > writes));
    Thread.sleep(1_000);
    // Split brain: the old primary comes back as a primary beside the promoted one, as an
    // operator restarting it without a rewind would make it. A write Lagwise sent there would be
    // missing from the final primary: the lost-writes check is what judges this phase.
    old.start();
    long before = out.writesSucceeded.sum();
    note("  " + old.name() + " started again: two primaries");
    Thread.sleep(HOLD_MILLIS);
    old.stop();
    note(
        "  "
            + old.name()
            + " stopped again; writes acknowledged while two primaries ran: "
            + (out.writesSucceeded.sum() - before));
    Thread.sleep(2_000);
    out.window = Fault.NONE;
    note("NONE");
  }

  private Map<String, Integer> awaitNoSessions() throws Exception {
    long deadline = System.nanoTime() + Duration.ofMillis(DRAIN_MILLIS).toNanos();
    while (true) {
      Map<String, Integer> sessions = target.sessions(cluster);
      if (sessions.values().stream().allMatch(n -> n == 0) || System.nanoTime() > deadline) {
        return sessions;
      }
      Thread.sleep(100);
    }
  }

  /** This cluster's monitor threads ({@code lagwise-monitor-host:port}) still alive. */
  private List<String> awaitNoMonitorThreads() throws InterruptedException {
    List<String> names = new ArrayList<>();
    for (String host : cluster.hostList().split(",")) {
      names.add("lagwise-monitor-" + host);
    }
    long deadline = System.nanoTime() + Duration.ofMillis(DRAIN_MILLIS).toNanos();
    while (true) {
      List<String> alive =
          Thread.getAllStackTraces().keySet().stream()
              .filter(Thread::isAlive)
              .map(Thread::getName)
              .filter(names::contains)
              .toList();
      if (alive.isEmpty() || System.nanoTime() > deadline) {
        return alive;
      }
      Thread.sleep(100);
    }
  }

  private String routeReasons() {
    for (LagwiseCluster c : LagwiseClusters.all()) {
      if (c.name().startsWith(cluster.hostList() + "/")) {
        return c.stats().statementsByReason().toString();
      }
    }
    return "(cluster not found)";
  }

  private void note(String what) {
    schedule.add(
        String.format(Locale.ROOT, "t=%5.1fs %s", (System.nanoTime() - startNanos) / 1e9, what));
  }

  private void line(String format, Object... args) {
    summary.append(String.format(Locale.ROOT, format, args)).append('\n');
  }

  private static String address(Node node) {
    return node.host() + ":" + node.port();
  }
}
