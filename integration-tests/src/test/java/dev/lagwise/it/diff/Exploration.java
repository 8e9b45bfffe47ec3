package dev.lagwise.it.diff;

import static org.junit.jupiter.api.Assertions.fail;

import dev.lagwise.it.diff.Differ.Comparison;
import dev.lagwise.testkit.Cluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The random search shared by {@link DiffPostgresTest} and {@link DiffMariaDbTest}.
 *
 * <p>System properties:
 *
 * <ul>
 *   <li>{@code lagwise.diff.tries}: sequences per test method (defaults in the test classes).
 *   <li>{@code lagwise.diff.seed}: the seed of the run (default fixed, {@code random} for a new
 *       one); sequence {@code i} uses seed {@code seed + i}, printed on failure, so {@code
 *       -Dlagwise.diff.seed=<that> -Dlagwise.diff.tries=1} replays one sequence. Random when
 *       absent.
 *   <li>{@code lagwise.diff.collect=true}: do not stop at the first divergence; shrink every one
 *       whose operations do not already contain a known minimal sequence (at most {@code
 *       lagwise.diff.maxShrinks}, default 40) and report them all at the end, also in {@code
 *       target/diff-divergences-<engine>-<mode>.txt}. With {@code lagwise.diff.skipKnown=false}
 *       every diverging sequence is shrunk (up to the budget) and only identical minimal sequences
 *       are merged: slower, finds divergences hidden behind a frequent one.
 *   <li>{@code lagwise.diff.exclude=KIND,KIND}: leave those operation kinds out of the sequences.
 * </ul>
 */
final class Exploration {

  private Exploration() {}

  static void run(Cluster cluster, Differ.Mode mode, int defaultTries) throws SQLException {
    int tries = Integer.getInteger("lagwise.diff.tries", defaultTries);
    // A fixed default keeps CI repeatable; -Dlagwise.diff.seed=random explores new sequences.
    String given = System.getProperty("lagwise.diff.seed", "20261129");
    long seed = given.equals("random") ? new Random().nextLong() : Long.parseLong(given);
    boolean collect = Boolean.getBoolean("lagwise.diff.collect");
    int maxShrinks = Integer.getInteger("lagwise.diff.maxShrinks", 40);
    boolean skipKnown = !"false".equals(System.getProperty("lagwise.diff.skipKnown"));
    List<List<Op>> known = new ArrayList<>();
    List<KnownDivergences.Known> accepted = KnownDivergences.of(cluster.engine());
    int acceptedCount = 0;
    List<String> reports = new ArrayList<>();
    String unshrunk = null;
    int diverging = 0;
    int shrinks = 0;
    long started = System.nanoTime();
    try (Differ differ = new Differ(cluster, mode)) {
      for (int i = 0; i < tries; i++) {
        List<Op> ops = differ.generate(new Random(seed + i));
        Comparison first = differ.compare(ops);
        if (!first.diverges()) {
          continue;
        }
        diverging++;
        if (accepted.stream().anyMatch(k -> k.matches(ops))) {
          acceptedCount++;
          continue;
        }
        if (skipKnown && known.stream().anyMatch(k -> containsInOrder(ops, k))) {
          continue;
        }
        if (shrinks >= maxShrinks) {
          unshrunk = unshrunk == null ? differ.describe(first) : unshrunk;
          continue;
        }
        shrinks++;
        List<Op> minimal = differ.shrink(ops);
        Comparison shrunk = differ.compare(minimal);
        String report =
            String.format(
                    Locale.ROOT,
                    "divergence %d (%s, %s, sequence seed %d, %d ops shrunk to %d):%n",
                    reports.size() + 1,
                    cluster.engine(),
                    mode,
                    seed + i,
                    ops.size(),
                    minimal.size())
                + differ.describe(shrunk.diverges() ? shrunk : first);
        if (known.contains(minimal)) {
          continue;
        }
        known.add(minimal);
        reports.add(report);
        if (!collect) {
          fail(report);
        }
      }
    }
    String summary =
        String.format(
            Locale.ROOT,
            "%s %s: %d sequences (seed %d) in %d ms, %d diverged (%d of them a known divergence),"
                + " %d distinct unknown%n",
            cluster.engine(),
            mode,
            tries,
            seed,
            (System.nanoTime() - started) / 1_000_000,
            diverging,
            acceptedCount,
            reports.size());
    System.out.print(summary);
    if (unshrunk != null) {
      reports.add("a divergence left unshrunk (shrink budget spent):\n" + unshrunk);
    }
    if (!reports.isEmpty()) {
      String all = summary + String.join("\n", reports);
      write(cluster, mode, all);
      fail(all);
    }
  }

  /** True if {@code ops} has {@code minimal}'s kinds in order (not necessarily adjacent). */
  static boolean containsInOrder(List<Op> ops, List<Op> minimal) {
    int j = 0;
    for (Op op : ops) {
      if (j < minimal.size() && op.kind() == minimal.get(j).kind()) {
        j++;
      }
    }
    return j == minimal.size();
  }

  private static void write(Cluster cluster, Differ.Mode mode, String text) {
    Path file =
        Path.of(
            "target",
            ("diff-divergences-" + cluster.engine() + "-" + mode + ".txt")
                .toLowerCase(Locale.ROOT));
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      System.out.println("could not write " + file + ": " + e);
    }
  }
}
