package dev.lagwise.routing;

/**
 * Maps partially ordered {@link GtidState}s onto {@code long} ordinals, so that routing ({@link
 * Router}, {@link SessionPositions}, {@link ClusterView}, the lag monitor) keeps comparing {@code
 * long}s for MySQL and MariaDB as it does for PostgreSQL LSNs.
 *
 * <p>The ledger keeps a chain of primary states E<sub>a</sub> ⊆ E<sub>a+1</sub> ⊆ … ⊆
 * E<sub>latest</sub> (each entry {@linkplain GtidState#covers covers} the one before), entry
 * E<sub>k</sub> having ordinal {@code k}. Kept ordinals are contiguous, so a ring of states plus
 * the oldest ordinal is the whole index. Invariants:
 *
 * <ul>
 *   <li>Chain: for kept k &lt; latest, E<sub>k+1</sub> covers E<sub>k</sub>. Every entry is a
 *       subset of a state some primary really had (an appended join only adds transactions that the
 *       owning primary is known to have executed).
 *   <li>{@link #replica}(r) is the largest kept k with r ⊇ E<sub>k</sub> (-1 if none): along a
 *       chain, "r covers E<sub>k</sub>" is true up to some k and false after it, so it is a binary
 *       search of O(log n) {@code covers} calls, none of which allocates.
 *   <li>{@link #ceiling}(w) is the smallest kept k with E<sub>k</sub> ⊇ w, {@link Long#MAX_VALUE}
 *       when no kept entry covers w ("beyond every primary state known: only the primary can serve
 *       it"), -1 for an empty w (no requirement).
 *   <li>Safety, the point of it all: if {@code replica(r) >= ceiling(w)} and {@code ceiling(w) !=
 *       MAX_VALUE} then r ⊇ E<sub>replica(r)</sub> ⊇ E<sub>ceiling(w)</sub> ⊇ w, so comparing the
 *       two longs is exactly as safe as comparing the states. This holds for ordinals handed out
 *       earlier too, as long as the chain has not restarted since: eviction drops only entries
 *       below the oldest kept, and every later entry covers them.
 *   <li>Ordinals never decrease and are never reused.
 * </ul>
 *
 * <p>Owner and restarts. Entries belong to an owner: the node of the last appended primary state. A
 * state from another node that does not cover the latest entry (a failover that lost transactions,
 * or two nodes both claiming to be primary) is not appended: the answer is {@code MAX_VALUE}
 * (unknown, so the primary serves). When that same node supplies {@code switchAfter} such states in
 * a row with no state from the owner in between, the old primary is taken as gone: the chain
 * restarts from the new node's state at ordinal latest + 1 + capacity (the jump makes a restart
 * visible in position logs). Ordinals handed out before a restart are below every new one, so any
 * replica of the new chain satisfies them: the transactions they named that the new primary lacks
 * were lost in the failover and no node can serve them any more.
 *
 * <p>Memory: at most {@code capacity} states are kept; the bound is capacity × the size of one
 * state (about 24 bytes per MariaDB domain, 16 bytes per MySQL interval plus 24 per source, plus
 * ~60 bytes per object). A MySQL primary whose set has many gaps makes every entry large: choose
 * the capacity with that in mind.
 *
 * <p>Thread-safe: every method is {@code synchronized}. They run per probe, per commit capture and
 * per carried token, never per plain read.
 */
public final class PositionLedger {
  /** Entries kept by {@link #PositionLedger()}. */
  public static final int DEFAULT_CAPACITY = 4096;

  /** Consecutive states from a new node before the chain restarts, by {@link #PositionLedger()}. */
  public static final int DEFAULT_SWITCH_AFTER = 3;

  private static final int NONE = -1;

  private final GtidState[] ring;
  private final int switchAfter;
  private int head; // slot of the oldest entry
  private int size;
  private long oldest; // ordinal of the oldest entry; of the next entry while size == 0
  private int owner = NONE;
  private int candidate = NONE;
  private int candidateStates;

  public PositionLedger() {
    this(DEFAULT_CAPACITY, DEFAULT_SWITCH_AFTER);
  }

  /**
   * @param capacity entries kept, at least 1; the oldest is dropped when full
   * @param switchAfter consecutive non-covering states from one new node that restart the chain, at
   *     least 1
   */
  public PositionLedger(int capacity, int switchAfter) {
    if (capacity < 1) {
      throw new IllegalArgumentException("ledger capacity must be at least 1, got " + capacity);
    }
    if (switchAfter < 1) {
      throw new IllegalArgumentException("switchAfter must be at least 1, got " + switchAfter);
    }
    this.ring = new GtidState[capacity];
    this.switchAfter = switchAfter;
  }

  // ---------------------------------------------------------------- what routing asks

  /**
   * The position of a replica at state {@code r}: the largest kept ordinal whose entry {@code r}
   * covers, or -1 when it covers none (its lag is unknown).
   */
  public synchronized long replica(GtidState r) {
    if (size == 0 || !r.covers(entry(0))) {
      return -1;
    }
    int lo = 0; // r covers entry(lo)
    int hi = size; // r does not cover entry(hi), or hi == size
    while (hi - lo > 1) {
      int mid = (lo + hi) >>> 1;
      if (r.covers(entry(mid))) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return oldest + lo;
  }

  /**
   * The requirement for a read that must see {@code w}: the smallest kept ordinal whose entry
   * covers {@code w}; -1 when {@code w} is empty (no requirement); {@link Long#MAX_VALUE} when no
   * kept entry covers it (only the primary can serve it).
   */
  public synchronized long ceiling(GtidState w) {
    if (w.isEmpty()) {
      return -1;
    }
    if (size == 0 || !entry(size - 1).covers(w)) {
      return Long.MAX_VALUE;
    }
    int lo = -1; // entry(lo) does not cover w, or lo == -1
    int hi = size - 1; // entry(hi) covers w
    while (hi - lo > 1) {
      int mid = (lo + hi) >>> 1;
      if (entry(mid).covers(w)) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return oldest + hi;
  }

  // ---------------------------------------------------------------- what the primary tells

  /**
   * Records a state the primary {@code node} has reached (a probe, or its position read right after
   * a commit) and returns the ordinal a session that wrote up to {@code p} must wait for: an
   * appended entry's ordinal, the {@link #ceiling} of a state already covered (-1 for an empty
   * one), or {@link Long#MAX_VALUE} for a state from another node that does not cover the latest
   * entry (see the class comment on owners and restarts). The first state recorded becomes the
   * first entry and its node the owner; a state from another node that covers the latest entry is a
   * clean switch: appended, and that node becomes the owner.
   *
   * @throws IllegalArgumentException when {@code p} is of the other kind than the entries
   */
  public synchronized long primary(int node, GtidState p) {
    if (size == 0) {
      return switchTo(node, p);
    }
    GtidState last = entry(size - 1);
    if (last.covers(p)) {
      if (node == owner) {
        candidate = NONE;
      }
      return ceiling(p);
    }
    if (p.covers(last)) {
      return switchTo(node, p);
    }
    if (node == owner) {
      // One primary's states only grow; if they seem not to, keep both and stay a subset of it.
      candidate = NONE;
      return append(last.join(p));
    }
    if (node != candidate) {
      candidate = node;
      candidateStates = 0;
    }
    if (++candidateStates < switchAfter) {
      return Long.MAX_VALUE;
    }
    long start = latest() + 1 + ring.length;
    for (int i = 0; i < size; i++) {
      ring[(head + i) % ring.length] = null;
    }
    head = 0;
    size = 0;
    oldest = start;
    return switchTo(node, p);
  }

  /**
   * Records a GTID the primary {@code node} is known to have executed, such as a session's own last
   * GTID from session tracking: a subset of that primary's state. Returns its {@link #ceiling} when
   * a kept entry covers it; otherwise, from the owner, appends the latest entry joined with it (a
   * subset of the owner's real state) and returns that ordinal; from another node, {@link
   * Long#MAX_VALUE}, and it does not count towards a restart (a part is no evidence of a new
   * primary). Before the first entry, a non-empty part becomes the first entry and its node the
   * owner.
   */
  public synchronized long reached(int node, GtidState part) {
    if (size == 0 && !part.isEmpty()) {
      return switchTo(node, part);
    }
    long c = ceiling(part);
    if (c != Long.MAX_VALUE) {
      return c;
    }
    if (node != owner) {
      return Long.MAX_VALUE;
    }
    candidate = NONE;
    return append(entry(size - 1).join(part));
  }

  // ---------------------------------------------------------------- back to states

  /**
   * The entry with this ordinal, to turn a routing position back into a portable token. For an
   * evicted ordinal (or one skipped by a restart), the oldest kept entry: it covers the evicted
   * one, a stricter requirement that is still correct (across a restart it names what survived).
   * Null when the ordinal is negative (no position), beyond {@link #latest()} (including {@link
   * Long#MAX_VALUE}), or nothing is kept.
   */
  public synchronized GtidState at(long ordinal) {
    if (size == 0 || ordinal < 0 || ordinal > oldest + size - 1) {
      return null;
    }
    return entry(ordinal < oldest ? 0 : (int) (ordinal - oldest));
  }

  /** The newest ordinal, -1 before the first entry. */
  public synchronized long latest() {
    return size == 0 ? -1 : oldest + size - 1;
  }

  /** The newest entry, null before the first. */
  public synchronized GtidState latestState() {
    return size == 0 ? null : entry(size - 1);
  }

  /** Entries kept, at most the capacity. */
  public synchronized int size() {
    return size;
  }

  /** The node whose states the chain follows, -1 before the first entry. */
  public synchronized int owner() {
    return owner;
  }

  // ---------------------------------------------------------------- internal

  private GtidState entry(int i) {
    return ring[(head + i) % ring.length];
  }

  private long switchTo(int node, GtidState s) {
    owner = node;
    candidate = NONE;
    return append(s);
  }

  private long append(GtidState s) {
    if (size == ring.length) {
      ring[head] = null;
      head = (head + 1) % ring.length;
      oldest++;
      size--;
    }
    ring[(head + size) % ring.length] = s;
    size++;
    return oldest + size - 1;
  }
}
