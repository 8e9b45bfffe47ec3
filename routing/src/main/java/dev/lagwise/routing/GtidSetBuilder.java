package dev.lagwise.routing;

import java.util.Arrays;

/**
 * Builds a {@link MySqlGtidSet} in flat arrays. Merging (for {@code join}): sources are appended in
 * order and a source's intervals by ascending start, and overlapping or touching intervals merge as
 * they come. Collecting (for the parser): sources and intervals in input order, then {@link
 * #normalise()}: text already in normal form (server output) goes through in one linear pass; only
 * unordered text pays for sorting.
 */
final class GtidSetBuilder {
  private long[] uuidHi;
  private long[] uuidLo;
  private String[] tag;
  private int[] first;
  private long[] lo;
  private long[] hi;
  private int sources;
  private int intervals;
  private final boolean merging;

  GtidSetBuilder(int sources, int intervals) {
    this(sources, intervals, true);
  }

  GtidSetBuilder(int sources, int intervals, boolean merging) {
    this.merging = merging;
    uuidHi = new long[Math.max(sources, 1)];
    uuidLo = new long[uuidHi.length];
    tag = new String[uuidHi.length];
    first = new int[uuidHi.length + 1];
    lo = new long[Math.max(intervals, 1)];
    hi = new long[lo.length];
  }

  void source(long h, long l, String t) {
    if (sources == tag.length) {
      uuidHi = Arrays.copyOf(uuidHi, sources * 2);
      uuidLo = Arrays.copyOf(uuidLo, sources * 2);
      tag = Arrays.copyOf(tag, sources * 2);
      first = Arrays.copyOf(first, sources * 2 + 1);
    }
    uuidHi[sources] = h;
    uuidLo[sources] = l;
    tag[sources] = t;
    sources++;
    first[sources] = intervals;
  }

  void add(long a, long b) {
    // Numbers stop at Long.MAX_VALUE - 1, so hi + 1 cannot overflow.
    if (merging && intervals > first[sources - 1] && a <= hi[intervals - 1] + 1) {
      hi[intervals - 1] = Math.max(hi[intervals - 1], b);
    } else {
      if (intervals == lo.length) {
        lo = Arrays.copyOf(lo, intervals * 2);
        hi = Arrays.copyOf(hi, intervals * 2);
      }
      lo[intervals] = a;
      hi[intervals] = b;
      intervals++;
    }
    first[sources] = intervals;
  }

  /** The set built by a merging builder. */
  MySqlGtidSet build() {
    return new MySqlGtidSet(
        Arrays.copyOf(uuidHi, sources),
        Arrays.copyOf(uuidLo, sources),
        Arrays.copyOf(tag, sources),
        Arrays.copyOf(first, sources + 1),
        Arrays.copyOf(lo, intervals),
        Arrays.copyOf(hi, intervals));
  }

  /** The normal form of what a collecting builder holds. */
  MySqlGtidSet normalise() {
    int n = sources;
    boolean ordered = true;
    for (int k = 0; k < n && ordered; k++) {
      ordered = k == 0 || compare(k - 1, k) < 0;
      for (int i = first[k] + 1; i < first[k + 1] && ordered; i++) {
        ordered = lo[i - 1] <= lo[i];
      }
    }
    GtidSetBuilder out = new GtidSetBuilder(n, intervals);
    if (ordered) {
      for (int k = 0; k < n; k++) {
        out.source(uuidHi[k], uuidLo[k], tag[k]);
        for (int i = first[k]; i < first[k + 1]; i++) {
          out.add(lo[i], hi[i]);
        }
      }
      return out.build();
    }
    Integer[] order = new Integer[n];
    for (int k = 0; k < n; k++) {
      order[k] = k;
    }
    Arrays.sort(order, this::compare);
    for (int g = 0; g < n; ) {
      int end = g + 1;
      int count = first[order[g] + 1] - first[order[g]];
      while (end < n && compare(order[g], order[end]) == 0) {
        count += first[order[end] + 1] - first[order[end]];
        end++;
      }
      long[] starts = new long[count];
      long[] ends = new long[count];
      int c = 0;
      for (int x = g; x < end; x++) {
        for (int i = first[order[x]]; i < first[order[x] + 1]; i++) {
          starts[c] = lo[i];
          ends[c] = hi[i];
          c++;
        }
      }
      // A number is in the union when more intervals start at or before it than end before it:
      // that depends only on the sorted starts and the sorted ends, so sorting them apart and
      // pairing them again (the k-th start is never after the k-th end) keeps the union.
      Arrays.sort(starts);
      Arrays.sort(ends);
      out.source(uuidHi[order[g]], uuidLo[order[g]], tag[order[g]]);
      for (int k = 0; k < count; k++) {
        out.add(starts[k], ends[k]);
      }
      g = end;
    }
    return out.build();
  }

  private int compare(int a, int b) {
    int c = Long.compareUnsigned(uuidHi[a], uuidHi[b]);
    if (c == 0) {
      c = Long.compareUnsigned(uuidLo[a], uuidLo[b]);
    }
    return c != 0 ? c : tag[a].compareTo(tag[b]); // "" (untagged) first
  }
}
