package dev.lagwise.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Properties of both {@link GtidState} kinds against a naive model: a MySQL set as a bit matrix
 * (source × transaction number), a MariaDB position as a map domain → (server, sequence). Each
 * state is generated from a seed and written in a random but valid way (shuffled groups, split and
 * overlapping intervals, repeated domains, mixed-case uuids, whitespace after commas), so parsing,
 * normalising and the operations are all checked against the model.
 */
class GtidPropertiesTest {

  // ---------------------------------------------------------------- MySQL model

  /** Ascending as unsigned numbers; the second and fourth have the sign bit set in a half. */
  static final String[] UUIDS = {
    "00000000-0000-0000-0000-000000000001",
    "3e11fa47-71ca-11e1-1e33-c80aa9429562",
    "3e11fa47-71ca-11e1-9e33-c80aa9429562",
    "ffffffff-ffff-ffff-8000-000000000000",
  };

  static final String[] TAGS = {"", "a", "b_1"}; // ascending, untagged first

  static final int N = 24;

  /** A set: bits[uuid][tag][n - 1]; numbers are offset + n, the offset small or near the top. */
  record MySet(boolean[][][] bits, long offset) {
    static MySet random(Random r, long offset) {
      boolean[][][] b = new boolean[UUIDS.length][TAGS.length][N];
      double density = r.nextDouble();
      int sources = r.nextInt(4);
      for (int s = 0; s < sources; s++) {
        int u = r.nextInt(UUIDS.length);
        int t = r.nextInt(TAGS.length);
        for (int n = 0; n < N; n++) {
          b[u][t][n] |= r.nextDouble() < density;
        }
      }
      return new MySet(b, offset);
    }

    boolean subsetOf(MySet o) {
      for (int u = 0; u < UUIDS.length; u++) {
        for (int t = 0; t < TAGS.length; t++) {
          for (int n = 0; n < N; n++) {
            if (bits[u][t][n] && !o.bits[u][t][n]) {
              return false;
            }
          }
        }
      }
      return true;
    }

    MySet union(MySet o) {
      boolean[][][] b = new boolean[UUIDS.length][TAGS.length][N];
      for (int u = 0; u < UUIDS.length; u++) {
        for (int t = 0; t < TAGS.length; t++) {
          for (int n = 0; n < N; n++) {
            b[u][t][n] = bits[u][t][n] || o.bits[u][t][n];
          }
        }
      }
      return new MySet(b, offset);
    }

    /** Maximal runs of one source as [from, to] pairs of numbers. */
    List<long[]> runs(int u, int t) {
      List<long[]> out = new ArrayList<>();
      for (int n = 0; n < N; n++) {
        if (bits[u][t][n] && (n == 0 || !bits[u][t][n - 1])) {
          int e = n;
          while (e + 1 < N && bits[u][t][e + 1]) {
            e++;
          }
          out.add(new long[] {offset + n + 1, offset + e + 1});
        }
      }
      return out;
    }

    /** The normal form, written independently of the implementation. */
    String canonical() {
      StringBuilder b = new StringBuilder();
      for (int u = 0; u < UUIDS.length; u++) {
        StringBuilder g = new StringBuilder();
        for (int t = 0; t < TAGS.length; t++) {
          List<long[]> runs = runs(u, t);
          if (!runs.isEmpty() && t > 0) {
            g.append(':').append(TAGS[t]);
          }
          for (long[] run : runs) {
            g.append(':').append(run[0]);
            if (run[1] != run[0]) {
              g.append('-').append(run[1]);
            }
          }
        }
        if (g.length() > 0) {
          b.append(b.length() > 0 ? "," : "").append(UUIDS[u]).append(g);
        }
      }
      return b.toString();
    }

    /** A valid, unnormalised spelling of the same set. */
    String messy(Random r) {
      List<String> groups = new ArrayList<>();
      for (int u = 0; u < UUIDS.length; u++) {
        String uuid = r.nextBoolean() ? UUIDS[u] : UUIDS[u].toUpperCase(Locale.ROOT);
        List<List<String>> perTag = new ArrayList<>();
        for (int t = 0; t < TAGS.length; t++) {
          List<String> pieces = new ArrayList<>();
          for (long[] run : runs(u, t)) {
            // Split a run at random points, sometimes overlapping the previous piece.
            long from = run[0];
            while (from <= run[1]) {
              long to = from + Math.min(r.nextInt(4), run[1] - from);
              long start = from > run[0] && r.nextInt(3) == 0 ? from - 1 : from;
              pieces.add(start == to && r.nextBoolean() ? "" + to : start + "-" + to);
              from = to + 1;
            }
          }
          Collections.shuffle(pieces, r);
          perTag.add(pieces);
        }
        if (r.nextBoolean()) {
          // One group per uuid: untagged intervals first, then each tag with its intervals.
          StringBuilder g = new StringBuilder(uuid);
          for (String p : perTag.get(0)) {
            g.append(':').append(p);
          }
          List<Integer> order = new ArrayList<>(List.of(1, 2));
          Collections.shuffle(order, r);
          for (int t : order) {
            if (!perTag.get(t).isEmpty()) {
              String tag = r.nextBoolean() ? TAGS[t] : TAGS[t].toUpperCase(Locale.ROOT);
              g.append(':').append(tag);
              for (String p : perTag.get(t)) {
                g.append(':').append(p);
              }
            }
          }
          if (g.length() > uuid.length()) {
            groups.add(g.toString());
          }
        } else {
          // One group per piece.
          for (int t = 0; t < TAGS.length; t++) {
            for (String p : perTag.get(t)) {
              groups.add(uuid + (t == 0 ? "" : ":" + TAGS[t]) + ":" + p);
            }
          }
        }
      }
      Collections.shuffle(groups, r);
      String[] separators = {",", ", ", ",\n", " ,\r\n\t"};
      StringBuilder b = new StringBuilder(r.nextBoolean() ? "" : "\n ");
      for (int i = 0; i < groups.size(); i++) {
        b.append(i == 0 ? "" : separators[r.nextInt(separators.length)]).append(groups.get(i));
      }
      return b.append(r.nextBoolean() ? "" : " \n").toString();
    }
  }

  private static long offset(Random r) {
    return r.nextBoolean() ? 0 : Long.MAX_VALUE - 1 - N;
  }

  @Property
  void mysqlParsesAnySpellingToTheModelsNormalForm(@ForAll long seed) {
    Random r = new Random(seed);
    MySet m = MySet.random(r, offset(r));
    MySqlGtidSet a = MySqlGtidSet.parse(m.messy(r));
    MySqlGtidSet b = MySqlGtidSet.parse(m.messy(r));
    assertThat(a.toString()).isEqualTo(m.canonical());
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(MySqlGtidSet.parse(a.toString())).isEqualTo(a);
    assertThat(a.isEmpty()).isEqualTo(m.canonical().isEmpty());
  }

  @Property
  void mysqlCoversAndJoinMatchTheModel(@ForAll long seed) {
    Random r = new Random(seed);
    long offset = offset(r);
    MySet ma = MySet.random(r, offset);
    MySet mb = r.nextInt(4) == 0 ? ma.union(MySet.random(r, offset)) : MySet.random(r, offset);
    MySet mc =
        r.nextBoolean() ? ma.union(mb).union(MySet.random(r, offset)) : MySet.random(r, offset);
    MySqlGtidSet a = MySqlGtidSet.parse(ma.messy(r));
    MySqlGtidSet b = MySqlGtidSet.parse(mb.messy(r));
    MySqlGtidSet c = MySqlGtidSet.parse(mc.messy(r));
    assertThat(a.covers(b)).isEqualTo(mb.subsetOf(ma));
    assertThat(b.covers(a)).isEqualTo(ma.subsetOf(mb));
    assertThat(a.join(b).toString()).isEqualTo(ma.union(mb).canonical());
    assertThat(b.join(a)).isEqualTo(a.join(b));
    checkLattice(a, b, c);
  }

  // ---------------------------------------------------------------- MariaDB model

  static final long[] DOMAINS = {0, 1, 2, 7, 4294967295L};

  /** A position: per domain index, server and sequence, or seq -1 when absent. */
  record MdPos(long[] server, long[] seq) {
    static MdPos random(Random r) {
      long[] server = new long[DOMAINS.length];
      long[] seq = new long[DOMAINS.length];
      for (int d = 0; d < DOMAINS.length; d++) {
        boolean present = r.nextInt(3) > 0;
        server[d] = r.nextInt(3) == 0 ? 4294967295L : r.nextInt(3);
        seq[d] = present ? (r.nextInt(5) == 0 ? Long.MAX_VALUE - r.nextInt(3) : r.nextInt(8)) : -1;
      }
      return new MdPos(server, seq);
    }

    boolean covers(MdPos o) {
      for (int d = 0; d < DOMAINS.length; d++) {
        if (o.seq[d] >= 0 && seq[d] < o.seq[d]) {
          return false;
        }
      }
      return true;
    }

    MdPos join(MdPos o) {
      long[] s = new long[DOMAINS.length];
      long[] q = new long[DOMAINS.length];
      for (int d = 0; d < DOMAINS.length; d++) {
        boolean theirs = o.seq[d] > seq[d];
        s[d] = theirs ? o.server[d] : server[d];
        q[d] = theirs ? o.seq[d] : seq[d];
      }
      return new MdPos(s, q);
    }

    String canonical() {
      StringBuilder b = new StringBuilder();
      for (int d = 0; d < DOMAINS.length; d++) {
        if (seq[d] >= 0) {
          b.append(b.length() > 0 ? "," : "");
          b.append(DOMAINS[d]).append('-').append(server[d]).append('-').append(seq[d]);
        }
      }
      return b.toString();
    }

    /** Shuffled, with lower sequences of the same domain repeated (the higher one wins). */
    String messy(Random r) {
      List<String> entries = new ArrayList<>();
      for (int d = 0; d < DOMAINS.length; d++) {
        if (seq[d] >= 0) {
          entries.add(DOMAINS[d] + "-" + server[d] + "-" + seq[d]);
          if (seq[d] > 0 && r.nextInt(3) == 0) {
            entries.add(DOMAINS[d] + "-" + r.nextInt(9) + "-" + (seq[d] - 1 - r.nextInt(1)));
          }
        }
      }
      Collections.shuffle(entries, r);
      return (r.nextBoolean() ? " " : "") + String.join(r.nextBoolean() ? "," : ",\n ", entries);
    }
  }

  @Property
  void mariadbParsesAnySpellingToTheModelsNormalForm(@ForAll long seed) {
    Random r = new Random(seed);
    MdPos m = MdPos.random(r);
    MariaDbGtidPosition a = MariaDbGtidPosition.parse(m.messy(r));
    MariaDbGtidPosition b = MariaDbGtidPosition.parse(m.messy(r));
    assertThat(a.toString()).isEqualTo(m.canonical());
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(MariaDbGtidPosition.parse(a.toString())).isEqualTo(a);
    for (int d = 0; d < DOMAINS.length; d++) {
      assertThat(a.sequence(DOMAINS[d])).isEqualTo(m.seq[d]);
    }
  }

  @Property
  void mariadbCoversAndJoinMatchTheModel(@ForAll long seed) {
    Random r = new Random(seed);
    MdPos ma = MdPos.random(r);
    MdPos mb = r.nextInt(4) == 0 ? ma.join(MdPos.random(r)) : MdPos.random(r);
    MdPos mc = r.nextBoolean() ? ma.join(mb).join(MdPos.random(r)) : MdPos.random(r);
    MariaDbGtidPosition a = MariaDbGtidPosition.parse(ma.messy(r));
    MariaDbGtidPosition b = MariaDbGtidPosition.parse(mb.messy(r));
    MariaDbGtidPosition c = MariaDbGtidPosition.parse(mc.messy(r));
    assertThat(a.covers(b)).isEqualTo(ma.covers(mb));
    assertThat(b.covers(a)).isEqualTo(mb.covers(ma));
    assertThat(a.join(b).toString()).isEqualTo(ma.join(mb).canonical());
    checkLattice(a, b, c);
  }

  // ---------------------------------------------------------------- both

  /**
   * Covers is a partial order and join a least upper bound; for MariaDB both up to server ids,
   * which covers ignores (join keeps the left side's server id on a tie, so it is associative only
   * in sequences).
   */
  private static void checkLattice(GtidState a, GtidState b, GtidState c) {
    assertThat(a.covers(a)).isTrue();
    if (a.covers(b) && b.covers(a)) {
      assertThat(stripServers(a)).isEqualTo(stripServers(b));
    }
    if (a.covers(b) && b.covers(c)) {
      assertThat(a.covers(c)).isTrue();
    }
    if (c.covers(b) && b.covers(a)) {
      assertThat(c.covers(a)).isTrue();
    }
    GtidState j = a.join(b);
    assertThat(j.covers(a)).isTrue();
    assertThat(j.covers(b)).isTrue();
    assertThat(c.covers(j)).isEqualTo(c.covers(a) && c.covers(b));
    assertThat(a.join(a)).isEqualTo(a);
    assertThat(stripServers(a.join(b).join(c))).isEqualTo(stripServers(a.join(b.join(c))));
    assertThat(j.textLength()).isEqualTo(j.toString().length());
  }

  private static String stripServers(GtidState s) {
    if (!(s instanceof MariaDbGtidPosition)) {
      return s.toString();
    }
    TreeMap<String, String> bySeq = new TreeMap<>();
    for (String e : s.toString().split(",", -1)) {
      String[] p = e.split("-", -1);
      bySeq.put(p[0], p.length > 2 ? p[2] : "");
    }
    return bySeq.toString();
  }
}
