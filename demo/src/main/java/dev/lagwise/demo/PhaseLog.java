package dev.lagwise.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where reads went in each phase of the run and why reads went to the primary: the demo's counts
 * and the driver's reason counts at each phase change, subtracted.
 */
final class PhaseLog {

  /** Counts at one moment; {@code reasons} is null when the driver's statistics are unknown. */
  record Mark(long millis, Tally.Counts counts, Map<String, Long> reasons) {}

  /** One finished phase: its marks at start and end. */
  record Entry(String phase, Mark from, Mark to) {

    long replicaReads() {
      return to.counts().replicaReads() - from.counts().replicaReads();
    }

    long primaryReads() {
      return to.counts().primaryReads() - from.counts().primaryReads();
    }

    long statementsOn(String node) {
      return to.counts().statementsOn(node) - from.counts().statementsOn(node);
    }

    /** Driver's count of {@code reason} in this phase; null when unknown. */
    Long reason(String reason) {
      if (from.reasons() == null || to.reasons() == null) {
        return null;
      }
      return to.reasons().getOrDefault(reason, 0L) - from.reasons().getOrDefault(reason, 0L);
    }
  }

  private final List<Entry> entries = new ArrayList<>();
  private String phase;
  private Mark start;

  /** Records that {@code next} begins at {@code mark}; closes the previous phase if it differs. */
  void at(String next, Mark mark) {
    if (next.equals(phase)) {
      return;
    }
    end(mark);
    phase = next;
    start = mark;
  }

  /** Closes the current phase. */
  void end(Mark mark) {
    if (phase != null) {
      entries.add(new Entry(phase, start, mark));
      phase = null;
    }
  }

  List<Entry> entries() {
    return List.copyOf(entries);
  }

  /**
   * One line per phase: reads, the share served by replicas, reads per replica, and the driver's
   * two main reasons for sending a read to the primary.
   */
  String table(List<String> replicaNames, List<String> replicaAddresses) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(Locale.ROOT, "%-7s %-42s %7s %8s", "SECONDS", "PHASE", "READS", "REPLICAS"));
    for (String name : replicaNames) {
      b.append(String.format(Locale.ROOT, " %8s", name.toUpperCase(Locale.ROOT)));
    }
    b.append(String.format(Locale.ROOT, " %7s %9s%n", "TOKEN", "LAG BOUND"));
    for (Entry e : entries) {
      long reads = e.replicaReads() + e.primaryReads();
      String name = e.phase();
      b.append(
          String.format(
              Locale.ROOT,
              "%-7s %-42s %7s %8s",
              seconds(e.from().millis()) + "-" + seconds(e.to().millis()),
              name.length() > 42 ? name.substring(0, 41) + "~" : name,
              View.number(reads),
              View.percent(e.replicaReads(), reads)));
      for (String address : replicaAddresses) {
        b.append(String.format(Locale.ROOT, " %8s", View.number(e.statementsOn(address))));
      }
      b.append(
          String.format(
              Locale.ROOT,
              " %7s %9s%n",
              View.number(e.reason("TOKEN_NOT_SATISFIED")),
              View.number(e.reason("LAG_BOUND"))));
    }
    return b.toString();
  }

  private static long seconds(long millis) {
    return (millis + 500) / 1000;
  }
}
