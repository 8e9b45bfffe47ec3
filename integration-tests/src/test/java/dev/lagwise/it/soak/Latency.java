package dev.lagwise.it.soak;

/**
 * A latency histogram with buckets about 4% wide, owned by one worker thread (no synchronisation)
 * and merged at the end: a 30-minute soak records millions of operations in a few kilobytes.
 */
final class Latency {

  private static final double GROWTH = 1.04;
  private static final double LOG_GROWTH = Math.log(GROWTH);

  /** 1 µs to well beyond a minute. */
  private static final int BUCKETS = 500;

  private final long[] counts = new long[BUCKETS];
  private long total;
  private long maxNanos;

  void record(long nanos) {
    counts[bucket(nanos)]++;
    total++;
    maxNanos = Math.max(maxNanos, nanos);
  }

  void add(Latency other) {
    for (int i = 0; i < BUCKETS; i++) {
      counts[i] += other.counts[i];
    }
    total += other.total;
    maxNanos = Math.max(maxNanos, other.maxNanos);
  }

  long count() {
    return total;
  }

  /** The upper bound of the bucket holding quantile {@code q}, in nanoseconds. */
  long quantileNanos(double q) {
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += counts[i];
      if (seen >= rank && seen > 0) {
        return Math.min(maxNanos, (long) (1_000 * Math.pow(GROWTH, i + 1)));
      }
    }
    return maxNanos;
  }

  long maxNanos() {
    return maxNanos;
  }

  String describe() {
    return String.format(
        java.util.Locale.ROOT,
        "n=%d p50=%.2fms p99=%.2fms max=%.2fms",
        total,
        quantileNanos(0.50) / 1e6,
        quantileNanos(0.99) / 1e6,
        maxNanos / 1e6);
  }

  private static int bucket(long nanos) {
    if (nanos <= 1_000) {
      return 0;
    }
    int b = (int) (Math.log(nanos / 1_000.0) / LOG_GROWTH);
    return Math.min(BUCKETS - 1, b);
  }
}
