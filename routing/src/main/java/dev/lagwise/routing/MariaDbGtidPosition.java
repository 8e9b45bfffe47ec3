package dev.lagwise.routing;

import java.util.Arrays;

/**
 * A MariaDB GTID position over all replication domains: {@code domain-server-seq} per domain,
 * comma-separated ({@code @@gtid_binlog_pos}, {@code @@gtid_slave_pos}, {@code @@last_gtid}).
 *
 * <p>MariaDB orders a domain by its sequence number alone: within a domain, GTIDs are applied in
 * sequence order, so reaching {@code 0-1-1234} means having every earlier GTID of domain 0,
 * whichever server wrote them. So {@link #covers} compares sequences per domain and ignores server
 * ids, which are kept only for the text form (the server expects them back in {@code
 * MASTER_GTID_WAIT}). Domains are independent: a position covers another only if it is at or past
 * it in every domain the other names.
 *
 * <p>Normal form: one entry per domain (input naming a domain twice keeps the higher sequence, as
 * MariaDB does), sorted by domain. Domain and server ids are unsigned 32-bit; sequences are
 * unsigned 64-bit on the server but refused above {@link Long#MAX_VALUE} here (no server reaches
 * them, and a token claiming one is hostile).
 */
public final class MariaDbGtidPosition implements GtidState {
  /** The position of a server that has written nothing. */
  public static final MariaDbGtidPosition EMPTY =
      new MariaDbGtidPosition(new long[0], new long[0], new long[0]);

  private static final long MAX_ID = 0xFFFF_FFFFL;
  private static final String WHAT = "MariaDB GTID position: ";

  // Ascending, unique domains; server[i] and seq[i] belong to domain[i].
  private final long[] domain;
  private final long[] server;
  private final long[] seq;
  private String text; // cached canonical text; racy but idempotent

  private MariaDbGtidPosition(long[] domain, long[] server, long[] seq) {
    this.domain = domain;
    this.server = server;
    this.seq = seq;
  }

  /**
   * Parses a position as the server prints it: entries {@code domain-server-seq} separated by
   * commas, whitespace allowed around commas and at either end; blank text is {@link #EMPTY}.
   *
   * @throws IllegalArgumentException naming the entry that is not a GTID or out of range
   */
  public static MariaDbGtidPosition parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException(WHAT + "null");
    }
    int i = GtidText.skipSpace(text, 0);
    if (i == text.length()) {
      return EMPTY;
    }
    int n = 0;
    long[] d = new long[4];
    long[] s = new long[4];
    long[] q = new long[4];
    while (true) {
      int comma = GtidText.nextComma(text, i);
      int end = GtidText.trimEnd(text, i, comma);
      if (n == d.length) {
        d = Arrays.copyOf(d, n * 2);
        s = Arrays.copyOf(s, n * 2);
        q = Arrays.copyOf(q, n * 2);
      }
      int dash1 = dash(text, i, end);
      int dash2 = dash1 < 0 ? -1 : dash(text, dash1 + 1, end);
      if (dash2 < 0) {
        throw bad(text, n, i, end, "expected domain-server-sequence");
      }
      d[n] = field(text, n, i, end, i, dash1, MAX_ID, "domain id");
      s[n] = field(text, n, i, end, dash1 + 1, dash2, MAX_ID, "server id");
      q[n] = field(text, n, i, end, dash2 + 1, end, Long.MAX_VALUE, "sequence number");
      n++;
      if (comma == text.length()) {
        break;
      }
      i = GtidText.skipSpace(text, comma + 1);
      if (i == text.length() || text.charAt(i) == ',') {
        throw new IllegalArgumentException(WHAT + "entry " + (n + 1) + " is empty");
      }
    }
    return normalise(d, s, q, n);
  }

  private static int dash(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      if (text.charAt(i) == '-') {
        return i;
      }
    }
    return -1;
  }

  private static long field(
      String text, int entry, int from, int to, int f, int t, long max, String name) {
    long v = GtidText.number(text, f, t, max);
    if (v == -1) {
      throw bad(text, entry, from, to, name + " is not a decimal number");
    }
    if (v == -2) {
      throw bad(text, entry, from, to, name + " is above " + max);
    }
    return v;
  }

  private static IllegalArgumentException bad(
      String text, int entry, int from, int to, String problem) {
    return new IllegalArgumentException(
        WHAT + "entry " + (entry + 1) + GtidText.quote(text, from, to) + ": " + problem);
  }

  /** Sorts by domain and keeps the higher sequence of a repeated domain (the first on a tie). */
  private static MariaDbGtidPosition normalise(long[] d, long[] s, long[] q, int n) {
    boolean sorted = true;
    for (int i = 1; i < n && sorted; i++) {
      sorted = d[i - 1] < d[i];
    }
    if (sorted) {
      return new MariaDbGtidPosition(Arrays.copyOf(d, n), Arrays.copyOf(s, n), Arrays.copyOf(q, n));
    }
    // Domain (32 bits) above input index (31 bits): one primitive sort, stable per domain.
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      keys[i] = d[i] << 31 | i;
    }
    Arrays.sort(keys);
    long[] rd = new long[n];
    long[] rs = new long[n];
    long[] rq = new long[n];
    int m = 0;
    for (long k : keys) {
      int i = (int) (k & 0x7FFF_FFFF);
      if (m > 0 && rd[m - 1] == d[i]) {
        if (q[i] > rq[m - 1]) {
          rs[m - 1] = s[i];
          rq[m - 1] = q[i];
        }
      } else {
        rd[m] = d[i];
        rs[m] = s[i];
        rq[m] = q[i];
        m++;
      }
    }
    return new MariaDbGtidPosition(
        Arrays.copyOf(rd, m), Arrays.copyOf(rs, m), Arrays.copyOf(rq, m));
  }

  /** The sequence reached in {@code domain}, or -1 when this position does not name it. */
  public long sequence(long domain) {
    int i = Arrays.binarySearch(this.domain, domain);
    return i < 0 ? -1 : seq[i];
  }

  /** The number of domains this position names. */
  public int domains() {
    return domain.length;
  }

  @Override
  public boolean covers(GtidState other) {
    MariaDbGtidPosition o = same(other);
    int i = 0;
    for (int j = 0; j < o.domain.length; j++) {
      long d = o.domain[j];
      while (i < domain.length && domain[i] < d) {
        i++;
      }
      if (i == domain.length || domain[i] != d || seq[i] < o.seq[j]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public MariaDbGtidPosition join(GtidState other) {
    MariaDbGtidPosition o = same(other);
    if (covers(o)) {
      return this; // no allocation in the common case (a newer state of the same primary)
    }
    int n = domain.length + o.domain.length;
    long[] rd = new long[n];
    long[] rs = new long[n];
    long[] rq = new long[n];
    int m = 0;
    int i = 0;
    int j = 0;
    while (i < domain.length || j < o.domain.length) {
      boolean mine = j == o.domain.length || (i < domain.length && domain[i] <= o.domain[j]);
      boolean both = mine && j < o.domain.length && domain[i] == o.domain[j];
      if (both && o.seq[j] > seq[i]) {
        rd[m] = o.domain[j];
        rs[m] = o.server[j];
        rq[m] = o.seq[j];
      } else if (mine) {
        rd[m] = domain[i];
        rs[m] = server[i];
        rq[m] = seq[i];
      } else {
        rd[m] = o.domain[j];
        rs[m] = o.server[j];
        rq[m] = o.seq[j];
      }
      m++;
      if (mine) {
        i++;
      }
      if (both || !mine) {
        j++;
      }
    }
    return new MariaDbGtidPosition(
        Arrays.copyOf(rd, m), Arrays.copyOf(rs, m), Arrays.copyOf(rq, m));
  }

  private static MariaDbGtidPosition same(GtidState other) {
    if (other instanceof MariaDbGtidPosition p) {
      return p;
    }
    throw new IllegalArgumentException(
        "a MariaDB GTID position cannot be compared with "
            + (other == null ? "null" : other.getClass().getSimpleName()));
  }

  @Override
  public boolean isEmpty() {
    return domain.length == 0;
  }

  @Override
  public String toString() {
    String t = text;
    if (t == null) {
      StringBuilder b = new StringBuilder(domain.length * 16);
      for (int i = 0; i < domain.length; i++) {
        if (i > 0) {
          b.append(',');
        }
        b.append(domain[i]).append('-').append(server[i]).append('-').append(seq[i]);
      }
      t = b.toString();
      text = t;
    }
    return t;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MariaDbGtidPosition p
        && Arrays.equals(domain, p.domain)
        && Arrays.equals(server, p.server)
        && Arrays.equals(seq, p.seq);
  }

  @Override
  public int hashCode() {
    return (Arrays.hashCode(domain) * 31 + Arrays.hashCode(server)) * 31 + Arrays.hashCode(seq);
  }
}
