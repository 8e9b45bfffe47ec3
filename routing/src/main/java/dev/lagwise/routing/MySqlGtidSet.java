package dev.lagwise.routing;

import java.util.Arrays;

/**
 * A MySQL GTID set ({@code @@gtid_executed}): per source, a set of transaction numbers written as
 * intervals, {@code uuid:1-42:50-60,uuid2:1-7}, including MySQL 8.3+ tagged GTIDs ({@code
 * uuid:1-5:tag1:1-3}: a tag applies to the intervals after it, up to the next tag, within its uuid
 * group; a source is the pair (uuid, tag)).
 *
 * <p>Unlike a MariaDB domain, a MySQL source has no order between transactions (a replica may apply
 * them in parallel and out of order, leaving gaps), so {@link #covers} is set inclusion and {@link
 * #join} is union, as in {@code GTID_SUBSET} and {@code GTID_UNION}.
 *
 * <p>Normal form: uuids lowercase, tags lowercase, sources sorted by (uuid, tag) with the untagged
 * source of a uuid first, intervals sorted and merged when they overlap or touch ({@code 1-3:4-5}
 * is {@code 1-5}), a one-number interval printed as {@code n}. Transaction numbers are 1 to {@link
 * Long#MAX_VALUE}{@code - 1} as on the server. Stored in flat primitive arrays: {@link #covers} is
 * one merge walk without allocation, and parsing server output (already normal) is linear.
 */
public final class MySqlGtidSet implements GtidState {
  /** The set of a server that has executed nothing. */
  public static final MySqlGtidSet EMPTY =
      new MySqlGtidSet(
          new long[0], new long[0], new String[0], new int[1], new long[0], new long[0]);

  // Source k is (uuidHi[k], uuidLo[k], tag[k]) ("" untagged); its intervals are
  // [lo[i], hi[i]] for first[k] <= i < first[k + 1], ascending, disjoint, not touching.
  private final long[] uuidHi;
  private final long[] uuidLo;
  private final String[] tag;
  private final int[] first;
  private final long[] lo;
  private final long[] hi;
  private String text; // cached canonical text; racy but idempotent

  /** From {@link GtidSetBuilder} only: the arrays are in normal form and never change. */
  MySqlGtidSet(long[] uuidHi, long[] uuidLo, String[] tag, int[] first, long[] lo, long[] hi) {
    this.uuidHi = uuidHi;
    this.uuidLo = uuidLo;
    this.tag = tag;
    this.first = first;
    this.lo = lo;
    this.hi = hi;
  }

  /**
   * Parses a GTID set as the server prints it: groups {@code uuid(:tag|:n|:n-m)+} separated by
   * commas, whitespace (newlines included) allowed around commas and at either end, uuids and tags
   * in either case, groups and intervals in any order and overlapping. Blank text is {@link
   * #EMPTY}. Linear in the length for text already in normal form, as the server prints it.
   *
   * @throws IllegalArgumentException naming the group and the part that is not valid
   */
  public static MySqlGtidSet parse(String text) {
    return MySqlGtidParser.parse(text);
  }

  // ---------------------------------------------------------------- queries

  @Override
  public boolean covers(GtidState other) {
    MySqlGtidSet o = same(other);
    int k = 0;
    for (int j = 0; j < o.tag.length; j++) {
      int c = -1;
      while (k < tag.length && (c = compareSource(this, k, o, j)) < 0) {
        k++;
      }
      if (k == tag.length || c != 0) {
        return false;
      }
      int a = first[k];
      int aEnd = first[k + 1];
      for (int b = o.first[j]; b < o.first[j + 1]; b++) {
        while (a < aEnd && hi[a] < o.lo[b]) {
          a++;
        }
        // Intervals here never touch, so a covered interval lies inside one of them.
        if (a == aEnd || lo[a] > o.lo[b] || hi[a] < o.hi[b]) {
          return false;
        }
      }
    }
    return true;
  }

  @Override
  public MySqlGtidSet join(GtidState other) {
    MySqlGtidSet o = same(other);
    if (covers(o)) {
      return this;
    }
    if (o.covers(this)) {
      return o;
    }
    GtidSetBuilder b = new GtidSetBuilder(tag.length + o.tag.length, lo.length + o.lo.length);
    int i = 0;
    int j = 0;
    while (i < tag.length || j < o.tag.length) {
      int c = i == tag.length ? 1 : j == o.tag.length ? -1 : compareSource(this, i, o, j);
      MySqlGtidSet s = c <= 0 ? this : o;
      int k = c <= 0 ? i : j;
      b.source(s.uuidHi[k], s.uuidLo[k], s.tag[k]);
      if (c == 0) {
        int x = first[i];
        int y = o.first[j];
        while (x < first[i + 1] || y < o.first[j + 1]) {
          if (y == o.first[j + 1] || (x < first[i + 1] && lo[x] <= o.lo[y])) {
            b.add(lo[x], hi[x]);
            x++;
          } else {
            b.add(o.lo[y], o.hi[y]);
            y++;
          }
        }
      } else {
        for (int x = s.first[k]; x < s.first[k + 1]; x++) {
          b.add(s.lo[x], s.hi[x]);
        }
      }
      if (c <= 0) {
        i++;
      }
      if (c >= 0) {
        j++;
      }
    }
    return b.build();
  }

  private static MySqlGtidSet same(GtidState other) {
    if (other instanceof MySqlGtidSet s) {
      return s;
    }
    throw new IllegalArgumentException(
        "a MySQL GTID set cannot be compared with "
            + (other == null ? "null" : other.getClass().getSimpleName()));
  }

  private static int compareSource(MySqlGtidSet a, int i, MySqlGtidSet b, int j) {
    int c = Long.compareUnsigned(a.uuidHi[i], b.uuidHi[j]);
    if (c == 0) {
      c = Long.compareUnsigned(a.uuidLo[i], b.uuidLo[j]);
    }
    return c != 0 ? c : a.tag[i].compareTo(b.tag[j]); // "" (untagged) first
  }

  @Override
  public boolean isEmpty() {
    return tag.length == 0;
  }

  /** The number of sources, a source being a (uuid, tag) pair. */
  public int sources() {
    return tag.length;
  }

  /** The number of intervals in the normal form (what a token's length grows with). */
  public int intervals() {
    return lo.length;
  }

  @Override
  public String toString() {
    String t = text;
    if (t == null) {
      StringBuilder b = new StringBuilder(tag.length * 48 + lo.length * 16);
      for (int k = 0; k < tag.length; k++) {
        boolean sameUuid = k > 0 && uuidHi[k] == uuidHi[k - 1] && uuidLo[k] == uuidLo[k - 1];
        if (!sameUuid) {
          if (k > 0) {
            b.append(',');
          }
          hex(b, uuidHi[k] >>> 32, 8).append('-');
          hex(b, uuidHi[k] >>> 16 & 0xFFFF, 4).append('-');
          hex(b, uuidHi[k] & 0xFFFF, 4).append('-');
          hex(b, uuidLo[k] >>> 48, 4).append('-');
          hex(b, uuidLo[k] & 0xFFFF_FFFF_FFFFL, 12);
        }
        if (!tag[k].isEmpty()) {
          b.append(':').append(tag[k]);
        }
        for (int i = first[k]; i < first[k + 1]; i++) {
          b.append(':').append(lo[i]);
          if (hi[i] != lo[i]) {
            b.append('-').append(hi[i]);
          }
        }
      }
      t = b.toString();
      text = t;
    }
    return t;
  }

  private static StringBuilder hex(StringBuilder b, long v, int digits) {
    for (int s = (digits - 1) * 4; s >= 0; s -= 4) {
      b.append(Character.forDigit((int) (v >>> s & 0xF), 16));
    }
    return b;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MySqlGtidSet s
        && Arrays.equals(uuidHi, s.uuidHi)
        && Arrays.equals(uuidLo, s.uuidLo)
        && Arrays.equals(tag, s.tag)
        && Arrays.equals(first, s.first)
        && Arrays.equals(lo, s.lo)
        && Arrays.equals(hi, s.hi);
  }

  @Override
  public int hashCode() {
    int h = Arrays.hashCode(uuidHi) * 31 + Arrays.hashCode(uuidLo);
    h = h * 31 + Arrays.hashCode(tag);
    return (h * 31 + Arrays.hashCode(lo)) * 31 + Arrays.hashCode(hi);
  }
}
