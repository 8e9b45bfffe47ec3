package dev.lagwise.monitor;

/**
 * The primary's log position as the monitor saw it over time: (local {@code nanoTime} when the
 * probe was sent, position it returned). It turns a replica's replayed position into a lag in time
 * without comparing clocks of different machines: a replica at position P has every commit the
 * primary had made by the time of the latest sample whose position is at most P. Samples are taken
 * at send time because the position returned was reached no earlier than that.
 *
 * <p>A fixed ring whose entries are at least {@link #MIN_GAP_NANOS} apart, but for the newest:
 * while the newest is closer than that to the one before it, a new sample replaces it, so on-demand
 * probes (up to one per millisecond) cannot shrink the window. The newest sample is always kept;
 * dropping an older one only makes lags look larger, never smaller. 4096 entries cover at least 40
 * s, minutes at the default poll interval; a replica further behind than the oldest sample has an
 * unknown lag. Guarded by the monitor's lock.
 */
final class PositionHistory {

  static final long UNKNOWN = Long.MIN_VALUE;

  static final long MIN_GAP_NANOS = 10_000_000L;

  private final long[] nanos;
  private final long[] positions;
  private int size;
  private int next;

  PositionHistory(int capacity) {
    nanos = new long[capacity];
    positions = new long[capacity];
  }

  /** Records a sample; positions that go backwards (a new timeline) restart the history. */
  void add(long sentNanos, long position) {
    if (size > 0 && position < latestPosition()) {
      clear();
    }
    if (size >= 2 && nanos[at(1)] - nanos[at(2)] < MIN_GAP_NANOS) {
      nanos[at(1)] = sentNanos;
      positions[at(1)] = position;
      return;
    }
    nanos[next] = sentNanos;
    positions[next] = position;
    next = (next + 1) % nanos.length;
    size = Math.min(size + 1, nanos.length);
  }

  /** Index of the i-th newest entry (1 = newest). */
  private int at(int i) {
    return (next - i + nanos.length) % nanos.length;
  }

  void clear() {
    size = 0;
    next = 0;
  }

  /** The primary's latest known position, or -1 before the first sample. */
  long latestPosition() {
    return size == 0 ? -1 : positions[(next - 1 + nanos.length) % nanos.length];
  }

  /**
   * The local time up to which a host at {@code position} has every commit: the send time of the
   * latest sample whose position is at most {@code position}; {@link #UNKNOWN} if it is behind
   * every sample kept.
   */
  long freshAsOf(long position) {
    if (position < 0) {
      return UNKNOWN;
    }
    for (int i = 1; i <= size; i++) {
      int at = (next - i + nanos.length) % nanos.length;
      if (positions[at] <= position) {
        return nanos[at];
      }
    }
    return UNKNOWN;
  }
}
