package dev.lagwise.demo;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The demo's own counts, independent of the driver's statistics: where each statement ran (from
 * {@code LagwiseConnection.lastNode()} right after it) and whether each read-back found its row.
 */
final class Tally {

  private final String primary;
  private final Map<String, LongAdder> statementsByNode = new ConcurrentHashMap<>();
  private final LongAdder writes = new LongAdder();
  private final LongAdder readBacks = new LongAdder();
  private final LongAdder violations = new LongAdder();
  private final LongAdder plainReads = new LongAdder();
  private final LongAdder replicaReads = new LongAdder();
  private final LongAdder primaryReads = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final AtomicReference<String> firstViolation = new AtomicReference<>();
  private final AtomicReference<String> lastError = new AtomicReference<>();

  /** {@code primary} is the {@code host:port} of the primary, as {@code lastNode()} names it. */
  Tally(String primary) {
    this.primary = primary;
  }

  void wrote(String node) {
    writes.increment();
    ran(node);
  }

  /** A writer read back the row it had just inserted; {@code found} false is a violation. */
  void readBack(String node, boolean found, long id) {
    readBacks.increment();
    read(node);
    if (!found) {
      violations.increment();
      firstViolation.compareAndSet(null, "row " + id + " not found on " + node);
    }
  }

  void plainRead(String node) {
    plainReads.increment();
    read(node);
  }

  void error(Exception e) {
    errors.increment();
    lastError.set(e.getClass().getSimpleName() + ": " + e.getMessage());
  }

  private void read(String node) {
    (primary.equals(node) ? primaryReads : replicaReads).increment();
    ran(node);
  }

  private void ran(String node) {
    statementsByNode.computeIfAbsent(String.valueOf(node), k -> new LongAdder()).increment();
  }

  Counts counts() {
    Map<String, Long> byNode = new TreeMap<>();
    statementsByNode.forEach((node, n) -> byNode.put(node, n.sum()));
    return new Counts(
        writes.sum(),
        readBacks.sum(),
        violations.sum(),
        plainReads.sum(),
        replicaReads.sum(),
        primaryReads.sum(),
        errors.sum(),
        byNode,
        firstViolation.get(),
        lastError.get());
  }

  /** A copy of the counts at one moment (each counter read once; they may be a few ms apart). */
  record Counts(
      long writes,
      long readBacks,
      long violations,
      long plainReads,
      long replicaReads,
      long primaryReads,
      long errors,
      Map<String, Long> statementsByNode,
      String firstViolation,
      String lastError) {

    long statementsOn(String node) {
      return statementsByNode.getOrDefault(node, 0L);
    }

    long reads() {
      return replicaReads + primaryReads;
    }
  }
}
