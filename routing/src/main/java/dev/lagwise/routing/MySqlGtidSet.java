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

  private static final String WHAT = "MySQL GTID set: ";
  private static final int UUID_LENGTH = 36;
  private static final int MAX_TAG = 32;

  // Source k is (uuidHi[k], uuidLo[k], tag[k]) ("" untagged); its intervals are
  // [lo[i], hi[i]] for first[k] <= i < first[k + 1], ascending, disjoint, not touching.
  private final long[] uuidHi;
  private final long[] uuidLo;
  private final String[] tag;
  private final int[] first;
  private final long[] lo;
  private final long[] hi;
  private String text; // cached canonical text; racy but idempotent

  private MySqlGtidSet(
      long[] uuidHi, long[] uuidLo, String[] tag, int[] first, long[] lo, long[] hi) {
    this.uuidHi = uuidHi;
    this.uuidLo = uuidLo;
    this.tag = tag;
    this.first = first;
    this.lo = lo;
    this.hi = hi;
  }

  /**
   * Parses a GTID set as the server prints it: groups {@code uuid(:tag|:n|:n-m)+} separated by
   * commas, whitespace (newlines included) allowed around commas and at either end, uuids in either
   * case, groups and intervals in any order and overlapping. Blank text is {@link #EMPTY}.
   *
   * @throws IllegalArgumentException naming the group and the part that is not valid
   */
  public static MySqlGtidSet parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException(WHAT + "null");
    }
    int i = GtidText.skipSpace(text, 0);
    if (i == text.length()) {
      return EMPTY;
    }
    Parsed p = new Parsed();
    int group = 0;
    while (true) {
      int comma = GtidText.nextComma(text, i);
      int end = GtidText.trimEnd(text, i, comma);
      group(text, group, i, end, p);
      group++;
      if (comma == text.length()) {
        break;
      }
      i = GtidText.skipSpace(text, comma + 1);
      if (i == text.length() || text.charAt(i) == ',') {
        throw new IllegalArgumentException(WHAT + "group " + (group + 1) + " is empty");
      }
    }
    return p.normalise();
  }

  /** One {@code uuid(:tag|:interval)+} group in {@code text[from, to)}. */
  private static void group(String text, int g, int from, int to, Parsed p) {
    if (to - from < UUID_LENGTH || (to - from > UUID_LENGTH && text.charAt(from + 36) != ':')) {
      throw bad(text, g, from, to, from, Math.min(to, from + UUID_LENGTH), "expected a uuid");
    }
    long uh = 0;
    long ul = 0;
    for (int k = 0; k < UUID_LENGTH; k++) {
      char c = text.charAt(from + k);
      if (k == 8 || k == 13 || k == 18 || k == 23) {
        if (c != '-') {
          throw bad(text, g, from, to, from, from + UUID_LENGTH, "not a uuid");
        }
        continue;
      }
      int h = hexDigit(c);
      if (h < 0) {
        throw bad(text, g, from, to, from, from + UUID_LENGTH, "not a uuid");
      }
      if (k < 18) {
        uh = uh << 4 | h;
      } else {
        ul = ul << 4 | h;
      }
    }
    String currentTag = "";
    boolean open = false; // a source for (uuid, currentTag) has intervals
    int i = from + UUID_LENGTH;
    while (i < to) {
      int s = i + 1; // after ':'
      int e = s;
      while (e < to && text.charAt(e) != ':') {
        e++;
      }
      if (s == e) {
        throw bad(text, g, from, to, s, e, "empty part after ':'");
      }
      char c = text.charAt(s);
      if (GtidText.isDigit(c)) {
        if (!open) {
          p.source(uh, ul, currentTag);
          open = true;
        }
        interval(text, g, from, to, s, e, p);
      } else {
        if (!open && (s > from + UUID_LENGTH + 1)) {
          throw bad(text, g, from, to, s, e, "tag '" + currentTag + "' has no interval before it");
        }
        currentTag = tag(text, g, from, to, s, e);
        open = false;
      }
      i = e;
    }
    if (!open) {
      throw bad(
          text,
          g,
          from,
          to,
          from,
          to,
          currentTag.isEmpty() ? "no interval" : "tag '" + currentTag + "' has no interval");
    }
  }

  /** ASCII only: {@code Character.digit} would take other scripts' digits. */
  private static int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    char l = (char) (c | 32);
    return l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
  }

  private static void interval(String text, int g, int from, int to, int s, int e, Parsed p) {
    int dash = s;
    while (dash < e && text.charAt(dash) != '-') {
      dash++;
    }
    long a = number(text, g, from, to, s, dash, s, e);
    long b = dash == e ? a : number(text, g, from, to, dash + 1, e, s, e);
    if (a < 1) {
      throw bad(text, g, from, to, s, e, "transaction numbers start at 1");
    }
    if (b < a) {
      throw bad(text, g, from, to, s, e, "interval ends before it starts");
    }
    p.add(a, b);
  }

  private static long number(String text, int g, int from, int to, int f, int t, int s, int e) {
    long v = GtidText.number(text, f, t, Long.MAX_VALUE - 1);
    if (v == -1) {
      throw bad(text, g, from, to, s, e, "expected n or n-m with decimal numbers");
    }
    if (v == -2) {
      throw bad(text, g, from, to, s, e, "transaction number above " + (Long.MAX_VALUE - 1));
    }
    return v;
  }

  private static String tag(String text, int g, int from, int to, int s, int e) {
    if (e - s > MAX_TAG) {
      throw bad(text, g, from, to, s, e, "tag longer than " + MAX_TAG + " characters");
    }
    char[] t = new char[e - s];
    for (int k = 0; k < t.length; k++) {
      char c = text.charAt(s + k);
      char l = c >= 'A' && c <= 'Z' ? (char) (c | 32) : c;
      boolean ok = (l >= 'a' && l <= 'z') || l == '_' || (k > 0 && GtidText.isDigit(l));
      if (!ok) {
        throw bad(text, g, from, to, s, e, "neither an interval nor a tag ([a-z_][a-z0-9_]{0,31})");
      }
      t[k] = l;
    }
    return new String(t);
  }

  private static IllegalArgumentException bad(
      String text, int g, int from, int to, int s, int e, String problem) {
    String where = to - from <= GtidText.MAX_QUOTED ? "" : " at" + GtidText.quote(text, s, e);
    return new IllegalArgumentException(
        WHAT + "group " + (g + 1) + GtidText.quote(text, from, to) + where + ": " + problem);
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
    Builder b = new Builder(tag.length + o.tag.length, lo.length + o.lo.length);
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

  // ---------------------------------------------------------------- building

  /**
   * Appends sources in order and, when merging, intervals by ascending start, merging overlap and
   * contact; without merging it only collects.
   */
  private static class Builder {
    private long[] uuidHi;
    private long[] uuidLo;
    private String[] tag;
    private int[] first;
    private long[] lo;
    private long[] hi;
    private int sources;
    private int intervals;
    private final boolean merging;

    Builder(int sources, int intervals) {
      this(sources, intervals, true);
    }

    Builder(int sources, int intervals, boolean merging) {
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

    MySqlGtidSet build() {
      return new MySqlGtidSet(
          Arrays.copyOf(uuidHi, sources),
          Arrays.copyOf(uuidLo, sources),
          Arrays.copyOf(tag, sources),
          Arrays.copyOf(first, sources + 1),
          Arrays.copyOf(lo, intervals),
          Arrays.copyOf(hi, intervals));
    }
  }

  /**
   * Parser output before normalisation: sources in input order (a source may repeat), intervals in
   * input order. Server output is already normal and goes straight through a {@link Builder}; only
   * hand-written or merged text pays for sorting.
   */
  private static final class Parsed extends Builder {
    Parsed() {
      super(4, 8, false);
    }

    MySqlGtidSet normalise() {
      Builder raw = this;
      int n = raw.sources;
      boolean ordered = true;
      for (int k = 0; k < n && ordered; k++) {
        ordered = k == 0 || compareRaw(k - 1, k) < 0;
        for (int i = raw.first[k] + 1; i < raw.first[k + 1] && ordered; i++) {
          ordered = raw.lo[i - 1] <= raw.lo[i];
        }
      }
      Builder out = new Builder(n, raw.intervals);
      if (ordered) {
        for (int k = 0; k < n; k++) {
          out.source(raw.uuidHi[k], raw.uuidLo[k], raw.tag[k]);
          for (int i = raw.first[k]; i < raw.first[k + 1]; i++) {
            out.add(raw.lo[i], raw.hi[i]);
          }
        }
        return out.build();
      }
      Integer[] order = new Integer[n];
      for (int k = 0; k < n; k++) {
        order[k] = k;
      }
      Arrays.sort(order, this::compareRaw);
      for (int g = 0; g < n; ) {
        int end = g + 1;
        int count = raw.first[order[g] + 1] - raw.first[order[g]];
        while (end < n && compareRaw(order[g], order[end]) == 0) {
          count += raw.first[order[end] + 1] - raw.first[order[end]];
          end++;
        }
        long[] starts = new long[count];
        long[] ends = new long[count];
        int c = 0;
        for (int x = g; x < end; x++) {
          for (int i = raw.first[order[x]]; i < raw.first[order[x] + 1]; i++) {
            starts[c] = raw.lo[i];
            ends[c] = raw.hi[i];
            c++;
          }
        }
        // The union of intervals depends only on the sorted starts and the sorted ends: between
        // the k-th end and the (k+1)-th start lies a gap exactly when that start is beyond it.
        Arrays.sort(starts);
        Arrays.sort(ends);
        out.source(raw.uuidHi[order[g]], raw.uuidLo[order[g]], raw.tag[order[g]]);
        for (int k = 0; k < count; k++) {
          out.add(starts[k], ends[k]);
        }
        g = end;
      }
      return out.build();
    }

    private int compareRaw(int a, int b) {
      Builder r = this;
      int c = Long.compareUnsigned(r.uuidHi[a], r.uuidHi[b]);
      if (c == 0) {
        c = Long.compareUnsigned(r.uuidLo[a], r.uuidLo[b]);
      }
      return c != 0 ? c : r.tag[a].compareTo(r.tag[b]);
    }
  }
}
