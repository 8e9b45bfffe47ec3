package dev.lagwise.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;

/**
 * The invariants of {@link PositionLedger} under random histories: three nodes whose states mostly
 * grow and sometimes diverge (a failover that lost transactions, a second node claiming to be
 * primary), probes and session GTIDs in any order, a small ring so eviction happens, restarts.
 * After every step: the kept entries form a chain, ordinals never decrease, every ordinal handed
 * out names an entry covering what it was handed out for, and the safety property holds for random
 * replicas and requirements: {@code replica(r) >= ceiling(w)} (ceiling not MAX) implies r covers w.
 */
class PositionLedgerPropertiesTest {
  static final String[] UUIDS = {
    "3e11fa47-71ca-11e1-9e33-c80aa9429562", "3e11fa47-71ca-11e1-9e33-c80aa9429563",
  };

  /** Random states of one kind over a small universe, so states often compare. */
  interface Kind {
    GtidState random(Random r);

    /** A state that covers {@code s}, usually a little more. */
    default GtidState grow(Random r, GtidState s) {
      return r.nextInt(4) == 0 ? s : s.join(random(r));
    }
  }

  static final Kind MARIADB =
      r -> {
        StringBuilder b = new StringBuilder();
        for (int d = 0; d < 3; d++) {
          if (r.nextInt(3) > 0) {
            b.append(b.length() > 0 ? "," : "").append(d).append('-').append(r.nextInt(3));
            b.append('-').append(r.nextInt(6));
          }
        }
        return MariaDbGtidPosition.parse(b.toString());
      };

  static final Kind MYSQL =
      r -> {
        StringBuilder b = new StringBuilder();
        for (String uuid : UUIDS) {
          StringBuilder g = new StringBuilder();
          for (int n = 1; n <= 6; n++) {
            if (r.nextInt(3) == 0) {
              g.append(':').append(n);
            }
          }
          if (g.length() > 0) {
            b.append(b.length() > 0 ? "," : "").append(uuid).append(g);
          }
        }
        return MySqlGtidSet.parse(b.toString());
      };

  /** An ordinal handed out for a state, with the restart epoch it was handed out in. */
  record Issued(long ordinal, GtidState state, int epoch) {}

  @Property(tries = 300)
  void ledgerInvariantsHoldUnderRandomHistories(@ForAll long seed) {
    Random r = new Random(seed);
    Kind kind = r.nextBoolean() ? MARIADB : MYSQL;
    int capacity = 1 + r.nextInt(6);
    PositionLedger l = new PositionLedger(capacity, 1 + r.nextInt(3));
    GtidState[] node = {kind.random(r), kind.random(r), kind.random(r)};
    List<GtidState> seen = new ArrayList<>();
    List<Issued> issued = new ArrayList<>();
    int epoch = 0;
    long latest = -1;
    boolean evicted = false;
    for (int step = 0; step < 60; step++) {
      int n = r.nextInt(10) < 7 ? 0 : r.nextInt(3); // node 0 is usually the primary
      node[n] = r.nextInt(8) == 0 ? kind.random(r) : kind.grow(r, node[n]);
      GtidState told = node[n];
      long got;
      if (r.nextInt(3) == 0) {
        told = part(r, kind, node[n]);
        got = l.reached(n, told);
      } else {
        got = l.primary(n, told);
      }
      seen.add(told);

      long now = l.latest();
      assertThat(now).as("ordinals never decrease").isGreaterThanOrEqualTo(latest);
      if (latest >= 0 && now > latest + 1) {
        epoch++; // only a restart jumps
        assertThat(l.size()).isEqualTo(1);
        assertThat(now).isEqualTo(latest + 1 + capacity);
      }
      latest = now;
      evicted |= now - l.size() + 1 > 0 && l.size() == capacity;
      assertThat(l.size()).isBetween(now < 0 ? 0 : 1, now < 0 ? 0 : capacity);
      for (long k = now - l.size() + 1; k < now; k++) {
        assertThat(l.at(k + 1).covers(l.at(k))).as("chain at %d", k).isTrue();
      }
      if (got == -1) {
        assertThat(told.isEmpty()).isTrue();
      } else if (got != Long.MAX_VALUE) {
        assertThat(got).isBetween(0L, now);
        assertThat(l.at(got).covers(told)).as("the ordinal covers what it was issued for").isTrue();
        issued.add(new Issued(got, told, epoch));
      }

      for (int probe = 0; probe < 4; probe++) {
        GtidState rep = r.nextBoolean() ? kind.random(r) : pick(r, seen, kind);
        GtidState w = r.nextBoolean() ? kind.random(r) : pick(r, seen, kind);
        long rk = l.replica(rep);
        long wk = l.ceiling(w);
        if (wk != Long.MAX_VALUE && rk >= wk) {
          assertThat(rep.covers(w)).as("safety: %s at %d vs %s at %d", rep, rk, w, wk).isTrue();
        }
        // Exact, not just safe: the largest entry r covers, the smallest that covers w.
        long oldest = now - l.size() + 1;
        if (rk >= 0) {
          assertThat(rep.covers(l.at(rk))).isTrue();
        }
        if (rk < now) {
          assertThat(rep.covers(l.at(Math.max(rk + 1, oldest)))).isFalse();
        }
        if (wk >= 0 && wk != Long.MAX_VALUE) {
          assertThat(l.at(wk).covers(w)).isTrue();
          if (wk > oldest) {
            assertThat(l.at(wk - 1).covers(w)).isFalse();
          }
        } else if (wk == Long.MAX_VALUE && now >= 0) {
          assertThat(l.latestState().covers(w)).isFalse();
        }
        // Ordinals handed out earlier in this epoch stay safe through eviction.
        for (Issued i : issued) {
          if (i.epoch() == epoch && rk >= i.ordinal()) {
            assertThat(rep.covers(i.state())).as("issued %s", i).isTrue();
          }
        }
      }
    }
    Statistics.label("restarted").collect(epoch > 0);
    Statistics.label("evicted").collect(evicted);
    Statistics.label("restarted").coverage(c -> c.check(true).percentage(pct -> pct > 10));
    Statistics.label("evicted").coverage(c -> c.check(true).percentage(pct -> pct > 30));
  }

  /** A subset of {@code s}: itself, empty, or its meet with a random state when that is easy. */
  private static GtidState part(Random r, Kind kind, GtidState s) {
    for (int i = 0; i < 3; i++) {
      GtidState c = kind.random(r);
      if (s.covers(c)) {
        return c;
      }
    }
    return s;
  }

  private static GtidState pick(Random r, List<GtidState> seen, Kind kind) {
    return seen.isEmpty() ? kind.random(r) : seen.get(r.nextInt(seen.size()));
  }
}
