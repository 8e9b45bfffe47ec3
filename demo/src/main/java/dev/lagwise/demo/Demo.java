package dev.lagwise.demo;

import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Node;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code ./lagwise demo [--mariadb]}: a PostgreSQL (or MariaDB) primary with two replicas
 * (testkit), a mixed workload through Lagwise, faults injected on a timeline ({@link Script}), a
 * live view, and a summary. Exits with status 1 if a read missed the session's own write or
 * anything failed, 2 on unknown arguments.
 */
public final class Demo {

  static final int WRITERS = 2;
  static final int READERS = 4;

  private final Screen screen;
  private final DemoEngine engine;

  Demo(Screen screen, DemoEngine engine) {
    this.screen = screen;
    this.engine = engine;
  }

  public static void main(String[] args) {
    DemoEngine engine;
    try {
      engine = DemoEngine.fromArgs(Arrays.asList(args));
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    int status = new Demo(Screen.detect(System.out), engine).run();
    if (status != 0) {
      System.exit(status);
    }
  }

  int run() {
    screen.println(
        "Starting a " + engine.label + " primary and 2 " + engine.replication + " (testkit) ...");
    long started = System.nanoTime();
    boolean ok;
    try (Cluster cluster = engine.start(2)) {
      screen.println(
          String.format(
              Locale.ROOT,
              "Cluster up in %.1f s: %s",
              (System.nanoTime() - started) / 1e9,
              cluster.hostList()));
      ok = run(cluster);
      screen.println("Stopping the cluster ...");
    } catch (RuntimeException | SQLException e) {
      screen.println("The demo failed: " + e);
      return 1;
    }
    screen.println("Cluster stopped: every server process ended, its directory removed.");
    return ok ? 0 : 1;
  }

  private boolean run(Cluster cluster) throws SQLException {
    try (Connection c = cluster.primary().connect();
        Statement s = c.createStatement()) {
      s.execute(engine.createTable);
    }
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));

    List<Node> nodes = cluster.nodes();
    List<Node> replicas = cluster.replicas();
    String url = cluster.lagwiseUrl() + "?lagwise.pollInterval=100ms";
    String user = cluster.user();
    String password = cluster.password();
    Tally tally = new Tally(address(cluster.primary()));
    Script script = Script.on(replicas.get(0), replicas.get(1));
    PhaseLog phases = new PhaseLog();
    String setup =
        WRITERS
            + " writers (insert a row, read it back at once), "
            + READERS
            + " readers (random rows); lagwise.maxLag=2s";
    long total = Script.RUN_SECONDS * 1000L;
    Frame last;
    try (Connection observer = DriverManager.getConnection(url, user, password);
        Workload workload = new Workload(user, password, tally)) {
      DriverStats stats = new DriverStats(observer);
      // Writers keep the defaults (causal consistency). Readers need only bounded staleness
      // (under causal every write in this JVM would raise their requirement too), and pick a
      // replica per read, so a replica that recovers gets reads again at once; with round-robin
      // a long-lived connection keeps the replica it moved to.
      workload.writers(WRITERS, url, 10);
      workload.readers(
          READERS, url + "&lagwise.consistency=session&lagwise.loadBalance=least-in-flight", 5);
      long start = System.nanoTime();
      long elapsed = 0;
      while (elapsed < total) {
        // The phase starts before its faults are injected: reads during the injection are its.
        PhaseLog.Mark mark = new PhaseLog.Mark(elapsed, tally.counts(), stats.read().reasons());
        String phase = script.advance(elapsed);
        phases.at(phase, mark);
        screen.show(
            frame(engine, elapsed, total, phase, script.upcoming(), setup, nodes, tally, stats));
        long next = (elapsed / screen.refreshMillis() + 1) * screen.refreshMillis();
        sleep(Math.min(next, total) - elapsed);
        elapsed = (System.nanoTime() - start) / 1_000_000;
      }
      workload.close();
      phases.end(new PhaseLog.Mark(elapsed, tally.counts(), stats.read().reasons()));
      last = frame(engine, elapsed, total, "done", "", setup, nodes, tally, stats);
    }
    return summary(last, phases, replicas);
  }

  private boolean summary(Frame last, PhaseLog phases, List<Node> replicas) {
    if (screen.live()) {
      screen.println("\033[H\033[2J" + View.screen(last));
    } else {
      screen.println("");
      screen.println(View.screen(last));
    }
    List<String> names = new ArrayList<>();
    List<String> addresses = new ArrayList<>();
    for (Node r : replicas) {
      names.add(r.name());
      addresses.add(address(r));
    }
    screen.println(
        "Phase by phase: reads (where lastNode() says they ran) and the driver's reasons for"
            + " sending a read to the primary:");
    screen.println(phases.table(names, addresses));
    Tally.Counts c = last.counts();
    boolean ok = c.violations() == 0 && c.errors() == 0 && c.readBacks() > 0;
    if (c.violations() == 0) {
      screen.println(
          "Read-your-writes held: every one of "
              + View.number(c.readBacks())
              + " rows was found by the read right after its write.");
    } else {
      screen.println(
          "READ-YOUR-WRITES VIOLATED "
              + View.number(c.violations())
              + " times; first: "
              + c.firstViolation());
    }
    if (c.errors() > 0) {
      screen.println(View.number(c.errors()) + " statements failed; last: " + c.lastError());
    }
    screen.println(ok ? "Result: OK" : "Result: FAILED");
    return ok;
  }

  private static Frame frame(
      DemoEngine engine,
      long elapsed,
      long total,
      String phase,
      String upcoming,
      String setup,
      List<Node> nodes,
      Tally tally,
      DriverStats stats) {
    DriverStats.Snapshot s = stats.read();
    Tally.Counts counts = tally.counts();
    List<Frame.Row> rows = new ArrayList<>();
    for (Node n : nodes) {
      String address = address(n);
      DriverStats.Node d = s.byNode().get(address);
      rows.add(
          d == null
              ? new Frame.Row(
                  n.name(),
                  address,
                  n.role().name().toLowerCase(Locale.ROOT),
                  null,
                  null,
                  null,
                  counts.statementsOn(address))
              : new Frame.Row(
                  n.name(),
                  address,
                  d.role(),
                  d.lagBytes(),
                  d.lagMillis(),
                  d.statements(),
                  counts.statementsOn(address)));
    }
    return new Frame(engine, elapsed, total, phase, upcoming, setup, rows, counts, s.reasons());
  }

  static String address(Node n) {
    return n.host() + ":" + n.port();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(Math.max(1, millis));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
