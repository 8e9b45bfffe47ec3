package dev.lagwise.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders a {@link Frame}: a full screen (live view and summary) or one line (plain output). */
final class View {

  /** Route reasons that send a read to the primary, in the order the view lists them. */
  private static final List<String> PRIMARY_REASONS =
      List.of("TOKEN_NOT_SATISFIED", "LAG_BOUND", "REPLICA_DOWN", "TRANSACTION", "PINNED", "HINT");

  private View() {}

  static String screen(Frame f) {
    StringBuilder b = new StringBuilder(2048);
    line(
        b,
        "Lagwise demo: %s primary + 2 replicas   t = %.1f s of %d s",
        f.engine().label,
        f.elapsedMillis() / 1000.0,
        f.totalMillis() / 1000);
    line(b, "workload: %s", f.setup());
    line(b, "phase: %s", f.phase());
    line(b, "next:  %s", f.upcoming().isEmpty() ? "end of run" : f.upcoming());
    b.append('\n');
    line(
        b,
        "%-9s %-16s %-8s %13s %8s %11s %9s",
        "NODE",
        "ADDRESS",
        "ROLE",
        f.engine().lagHeader,
        "LAG MS",
        "STATEMENTS",
        "DEMO SAW");
    for (Frame.Row r : f.nodes()) {
      line(
          b,
          "%-9s %-16s %-8s %13s %8s %11s %9s",
          r.name(),
          r.address(),
          r.role(),
          lag(r.lagBytes()),
          lag(r.lagMillis()),
          number(r.statements()),
          number(r.seen()));
    }
    b.append('\n');
    Tally.Counts c = f.counts();
    line(
        b,
        "READ-YOUR-WRITES  %s rows written and read back at once; violations: %s",
        number(c.readBacks()),
        number(c.violations()));
    line(
        b,
        "READS             %s: replicas %s (%s), primary %s (%s)",
        number(c.reads()),
        number(c.replicaReads()),
        percent(c.replicaReads(), c.reads()),
        number(c.primaryReads()),
        percent(c.primaryReads(), c.reads()));
    line(b, "WHY PRIMARY       %s", reasons(f.reasons()));
    line(
        b,
        "ERRORS            %s%s",
        number(c.errors()),
        c.lastError() == null ? "" : "  last: " + c.lastError());
    return b.toString();
  }

  /** One line per refresh for output that is not a terminal. */
  static String plain(Frame f) {
    Tally.Counts c = f.counts();
    List<String> lag = new ArrayList<>();
    for (Frame.Row r : f.nodes()) {
      if (!r.role().equals("primary")) {
        lag.add(r.name() + " " + lag(r.lagMillis()) + " ms");
      }
    }
    return String.format(
        Locale.ROOT,
        "[%4.1fs] %s | read-backs %s, violations %s | reads: replicas %s, primary %s | lag %s"
            + " | why primary: %s | errors %s",
        f.elapsedMillis() / 1000.0,
        f.phase(),
        number(c.readBacks()),
        number(c.violations()),
        number(c.replicaReads()),
        number(c.primaryReads()),
        String.join(", ", lag),
        reasons(f.reasons()),
        number(c.errors()));
  }

  static String reasons(Map<String, Long> reasons) {
    if (reasons == null) {
      return "n/a (driver statistics not available)";
    }
    List<String> parts = new ArrayList<>();
    for (String reason : PRIMARY_REASONS) {
      long n = reasons.getOrDefault(reason, 0L);
      if (n > 0 || PRIMARY_REASONS.indexOf(reason) < 3) {
        parts.add(reason.toLowerCase(Locale.ROOT).replace('_', ' ') + " " + number(n));
      }
    }
    return String.join(", ", parts);
  }

  static String number(Long n) {
    return n == null ? "n/a" : String.format(Locale.ROOT, "%,d", n);
  }

  /** A lag the driver could not measure (e.g. behind its position history) is unknown. */
  static String lag(Long n) {
    return n == null ? "unknown" : number(n);
  }

  static String percent(long part, long whole) {
    return whole == 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
  }

  private static void line(StringBuilder b, String format, Object... args) {
    b.append(String.format(Locale.ROOT, format, args)).append('\n');
  }
}
