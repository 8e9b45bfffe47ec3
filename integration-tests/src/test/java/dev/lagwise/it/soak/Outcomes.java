package dev.lagwise.it.soak;

import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What every worker reports while the soak runs: failures by operation, SQLState and the fault in
 * effect, and the invariant violations. The schedule publishes the fault in effect here.
 */
final class Outcomes {

  /**
   * The kinds of operation the workers count. {@code read}: must not fail while only a replica is
   * faulty; {@code write}: a failure counts as a failed write.
   */
  enum Op {
    INSERT(false, true),
    RYW_INSERT(false, true),
    RYW_READ(true, false),
    READ(true, false),
    TX(false, true),
    /** A transaction's commit, failures only: its rows are looked for at the end. */
    COMMIT(false, true),
    TX_CHECK(true, false),
    /** {@code Connection.close()} after any operation, failures only. */
    CLOSE(true, false);

    final boolean read;
    final boolean write;

    Op(boolean read, boolean write) {
      this.read = read;
      this.write = write;
    }
  }

  private static final int SAMPLES = 20;

  volatile Fault window = Fault.NONE;

  /** {@code host:port} of the node the schedule last made primary. */
  volatile String primaryAddress;

  private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
  private final Map<String, String> firstMessages = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<String> samples = new ConcurrentLinkedQueue<>();
  private final AtomicInteger sampled = new AtomicInteger();

  final LongAdder writesSucceeded = new LongAdder();
  final LongAdder writesFailed = new LongAdder();
  final LongAdder readsFailedInReplicaWindows = new LongAdder();
  final LongAdder readsFailedPrimaryLostUnprovoked = new LongAdder();
  final LongAdder readYourWritesViolations = new LongAdder();
  final LongAdder staleCausalReads = new LongAdder();
  final LongAdder transactionVisibilityViolations = new LongAdder();
  final LongAdder readsOnReplica = new LongAdder();
  final LongAdder readsTotal = new LongAdder();

  /**
   * An operation failed. {@code before} and {@code after} are the windows at its start and end: it
   * is charged to a primary fault when either was one, since it may have met that fault.
   */
  void failed(Op op, SQLException e, Fault before, Fault after) {
    Fault charged = after.primary ? after : before;
    String state = e.getSQLState() == null ? "null" : e.getSQLState();
    String key = op + " " + state + " during " + charged;
    failures.computeIfAbsent(key, k -> new LongAdder()).increment();
    firstMessages.putIfAbsent(key, String.valueOf(e.getMessage()));
    if (op.read && !charged.primary) {
      String message = String.valueOf(e.getMessage());
      // The monitor took the primary away though the schedule left it alone: with
      // probeTimeout=1s a primary stalled for a second (CPU starvation on a shared machine) is
      // DOWN by design. Counted apart so that a replica fault failing reads cannot hide here.
      boolean primaryLost =
          message.contains("no primary is reachable")
              || message.contains("more than one host acts as primary");
      violation(
          primaryLost ? readsFailedPrimaryLostUnprovoked : readsFailedInReplicaWindows,
          "read failed during " + charged + ": " + op + " " + state + " " + message);
    }
    if (op.write) {
      writesFailed.increment();
    }
  }

  void violation(LongAdder counter, String what) {
    counter.increment();
    sample(what + " (during " + window + ")");
  }

  private void sample(String what) {
    if (sampled.getAndIncrement() < SAMPLES) {
      samples.add(what);
    }
  }

  Map<String, Long> failuresByKind() {
    Map<String, Long> out = new TreeMap<>();
    failures.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  Map<String, String> firstMessages() {
    return new TreeMap<>(firstMessages);
  }

  Iterable<String> samples() {
    return samples;
  }
}
