package dev.lagwise.it.soak;

import dev.lagwise.LagwiseConnection;
import dev.lagwise.it.soak.Outcomes.Op;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.locks.Lock;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;

/**
 * One client thread of the soak. Its ids are {@code worker << 32 | sequence}, so what it saw
 * committed fits in a {@link BitSet} of sequences (a 30-minute run stays small) and its own range
 * reads know exactly which rows must be there. Everything here is owned by the thread until {@link
 * #run} returns; the soak reads it after joining.
 */
final class Worker implements Runnable {

  static final String INSERT = "INSERT INTO soak_rows (id, worker, kind) VALUES (?, ?, ?)";
  private static final String BY_ID = "SELECT count(*) FROM soak_rows WHERE id = ?";
  private static final String PAIR = "SELECT count(*) FROM soak_rows WHERE id IN (?, ?)";
  private static final String RANGE = "SELECT count(*) FROM soak_rows WHERE id BETWEEN ? AND ?";
  private static final String BUMP = "UPDATE soak_counters SET n = n + 1 WHERE worker = ?";

  final int index;
  private final DataSource pool;
  private final Outcomes out;
  private final Lock gate;
  private final BooleanSupplier stopping;
  private final Random random;

  /** Sequences whose insert this worker saw succeed (autocommit, or a committed transaction). */
  final BitSet committed = new BitSet();

  /** The third element of a {@link #doubtful} entry: how the transaction failed. */
  static final long FAILED = 0;

  static final long UNKNOWN = 1;
  static final long BEFORE_COMMIT = 2;

  /**
   * {@code {a, b, FAILED | UNKNOWN | BEFORE_COMMIT}}: transactions that failed (commit failed
   * without 08007, with 08007, or a statement before the commit failed); decided at the end.
   */
  final List<long[]> doubtful = new ArrayList<>();

  long committedTransactions;
  final Map<Op, Latency> latency = new EnumMap<>(Op.class);

  /** Successful reads by the fault in effect when they began. */
  final Map<Fault, Latency> readsByWindow = new EnumMap<>(Fault.class);

  private int next;

  Worker(int index, DataSource pool, Outcomes out, Lock gate, BooleanSupplier stopping, long seed) {
    this.index = index;
    this.pool = pool;
    this.out = out;
    this.gate = gate;
    this.stopping = stopping;
    this.random = new Random(seed);
    for (Op op : Op.values()) {
      latency.put(op, new Latency());
    }
    for (Fault fault : Fault.values()) {
      readsByWindow.put(fault, new Latency());
    }
  }

  long id(int sequence) {
    return ((long) index << 32) | sequence;
  }

  @Override
  public void run() {
    while (!stopping.getAsBoolean()) {
      gate.lock();
      try {
        int dice = random.nextInt(100);
        if (dice < 30) {
          insert(Op.INSERT);
        } else if (dice < 55) {
          readYourWrite();
        } else if (dice < 85) {
          rangeRead();
        } else {
          transaction();
        }
      } finally {
        gate.unlock();
      }
    }
  }

  /** Returns the new row's sequence, or -1 when the insert failed. */
  private int insert(Op op) {
    int sequence = next++;
    Fault before = out.window;
    long start = System.nanoTime();
    Connection c = null;
    try {
      c = pool.getConnection();
      try (PreparedStatement ps = c.prepareStatement(INSERT)) {
        ps.setLong(1, id(sequence));
        ps.setInt(2, index);
        ps.setString(3, "i");
        ps.executeUpdate();
      }
    } catch (SQLException e) {
      out.failed(op, e, before, out.window);
      return -1;
    } finally {
      release(c, before);
    }
    latency.get(op).record(System.nanoTime() - start);
    committed.set(sequence);
    out.writesSucceeded.increment();
    return sequence;
  }

  /** Insert, then read the row back through whichever pooled connection comes next. */
  private void readYourWrite() {
    int sequence = insert(Op.RYW_INSERT);
    if (sequence < 0) {
      return;
    }
    long n = count(Op.RYW_READ, BY_ID, id(sequence), -1);
    if (n == 0) {
      out.violation(
          out.readYourWritesViolations,
          "worker " + index + " did not read its row " + id(sequence));
    }
  }

  /**
   * A plain read of a range of this worker's rows. Lagwise's default consistency is causal (every
   * read sees every write committed through the cluster in this JVM), so it must count at least
   * every row this worker saw committed in the range.
   */
  private void rangeRead() {
    if (next == 0) {
      return;
    }
    int from = random.nextInt(next);
    int to = from + 50;
    int known = committed.get(from, to + 1).cardinality();
    long n = count(Op.READ, RANGE, id(from), id(to));
    if (n >= 0 && n < known) {
      out.violation(
          out.staleCausalReads,
          "worker "
              + index
              + " counted "
              + n
              + " rows in ["
              + from
              + ", "
              + to
              + "], knew "
              + known);
    }
  }

  /** Two rows and the worker's counter in one transaction; after commit both rows are visible. */
  private void transaction() {
    int a = next++;
    int b = next++;
    Fault before = out.window;
    long start = System.nanoTime();
    Connection c = null;
    try {
      c = pool.getConnection();
      c.setAutoCommit(false);
      try (PreparedStatement insert = c.prepareStatement(INSERT);
          PreparedStatement bump = c.prepareStatement(BUMP)) {
        for (int sequence : new int[] {a, b}) {
          insert.setLong(1, id(sequence));
          insert.setInt(2, index);
          insert.setString(3, "t");
          insert.executeUpdate();
        }
        bump.setInt(1, index);
        bump.executeUpdate();
      } catch (SQLException e) {
        rollbackQuietly(c);
        doubtful.add(new long[] {id(a), id(b), BEFORE_COMMIT});
        throw e;
      }
      try {
        c.commit();
      } catch (SQLException e) {
        doubtful.add(new long[] {id(a), id(b), "08007".equals(e.getSQLState()) ? UNKNOWN : FAILED});
        out.failed(Op.COMMIT, e, before, out.window);
        return;
      }
    } catch (SQLException e) {
      out.failed(Op.TX, e, before, out.window);
      return;
    } finally {
      // A failing close() after a successful commit is counted as CLOSE: the commit stands.
      release(c, before);
    }
    latency.get(Op.TX).record(System.nanoTime() - start);
    committed.set(a);
    committed.set(b);
    committedTransactions++;
    out.writesSucceeded.increment();
    long n = count(Op.TX_CHECK, PAIR, id(a), id(b));
    if (n >= 0 && n != 2) {
      out.violation(
          out.transactionVisibilityViolations,
          "worker " + index + " saw " + n + " of the 2 rows of its committed transaction");
    }
  }

  /**
   * Runs a count query with one or two ids ({@code second} -1: one) on a pooled connection; -1 when
   * it failed (the failure is recorded).
   */
  private long count(Op op, String sql, long first, long second) {
    Fault before = out.window;
    long start = System.nanoTime();
    Connection c = null;
    try {
      c = pool.getConnection();
      long n;
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setLong(1, first);
        if (second >= 0) {
          ps.setLong(2, second);
        }
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          n = rs.getLong(1);
        }
      }
      long nanos = System.nanoTime() - start;
      latency.get(op).record(nanos);
      readsByWindow.get(before).record(nanos);
      out.readsTotal.increment();
      String node = c.unwrap(LagwiseConnection.class).lastNode();
      if (node != null && !node.equals(out.primaryAddress)) {
        out.readsOnReplica.increment();
      }
      return n;
    } catch (SQLException e) {
      out.failed(op, e, before, out.window);
      return -1;
    } finally {
      release(c, before);
    }
  }

  /**
   * Returns a connection to the pool. The application sees {@code close()} fail as much as any
   * statement, so a failure is recorded (as {@link Op#CLOSE}), apart from the operation it ends.
   */
  private void release(Connection c, Fault before) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException e) {
      out.failed(Op.CLOSE, e, before, out.window);
    }
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // The transaction's failure is what the worker reports; the pool discards a broken
      // connection.
    }
  }
}
