package dev.lagwise.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@link PositionLedger} step by step: appends, ceilings, owners, restarts, eviction. */
class PositionLedgerTest {
  static final long MAX = Long.MAX_VALUE;

  private static MariaDbGtidPosition p(String text) {
    return MariaDbGtidPosition.parse(text);
  }

  @Test
  void emptyLedgerKnowsNothing() {
    PositionLedger l = new PositionLedger();
    assertThat(l.latest()).isEqualTo(-1);
    assertThat(l.latestState()).isNull();
    assertThat(l.size()).isZero();
    assertThat(l.owner()).isEqualTo(-1);
    assertThat(l.replica(p("0-1-5"))).isEqualTo(-1);
    assertThat(l.ceiling(p("0-1-5"))).isEqualTo(MAX);
    assertThat(l.ceiling(p(""))).isEqualTo(-1);
    assertThat(l.at(0)).isNull();
    assertThat(l.at(-1)).isNull();
  }

  @Test
  void aGrowingPrimaryAppendsAndCoveredStatesReuseOrdinals() {
    PositionLedger l = new PositionLedger();
    assertThat(l.primary(0, p("0-1-5"))).isEqualTo(0);
    assertThat(l.primary(0, p("0-1-7"))).isEqualTo(1);
    assertThat(l.primary(0, p("0-1-7"))).isEqualTo(1);
    assertThat(l.primary(0, p("0-1-6"))).isEqualTo(1); // covered: its ceiling, no entry
    assertThat(l.primary(0, p("0-1-5"))).isEqualTo(0);
    assertThat(l.primary(0, p("0-1-9,1-1-1"))).isEqualTo(2);
    assertThat(l.size()).isEqualTo(3);
    assertThat(l.owner()).isZero();

    assertThat(l.replica(p("0-1-4"))).isEqualTo(-1);
    assertThat(l.replica(p("0-1-5"))).isEqualTo(0);
    assertThat(l.replica(p("0-1-6"))).isEqualTo(0);
    assertThat(l.replica(p("0-2-8"))).isEqualTo(1); // server ids do not matter
    assertThat(l.replica(p("0-1-100"))).isEqualTo(1); // domain 1 missing
    assertThat(l.replica(p("0-1-9,1-1-1"))).isEqualTo(2);
    assertThat(l.replica(p("0-1-100,1-1-100,2-1-1"))).isEqualTo(2);

    assertThat(l.ceiling(p(""))).isEqualTo(-1);
    assertThat(l.ceiling(p("0-1-1"))).isEqualTo(0);
    assertThat(l.ceiling(p("0-1-6"))).isEqualTo(1);
    assertThat(l.ceiling(p("1-1-1"))).isEqualTo(2);
    assertThat(l.ceiling(p("0-1-10"))).isEqualTo(MAX);
    assertThat(l.ceiling(p("2-1-1"))).isEqualTo(MAX);

    assertThat(l.at(1)).isEqualTo(p("0-1-7"));
    assertThat(l.at(3)).isNull();
    assertThat(l.at(MAX)).isNull();
    assertThat(l.latestState()).isEqualTo(p("0-1-9,1-1-1"));
  }

  @Test
  void theOwnersIncomparableStateIsJoined() {
    PositionLedger l = new PositionLedger();
    l.primary(0, p("0-1-5"));
    assertThat(l.primary(0, p("1-1-1"))).isEqualTo(1);
    assertThat(l.at(1)).isEqualTo(p("0-1-5,1-1-1"));
  }

  @Test
  void anotherNodeCoveringTheLatestIsACleanSwitch() {
    PositionLedger l = new PositionLedger();
    l.primary(0, p("0-1-5"));
    assertThat(l.primary(1, p("0-2-6"))).isEqualTo(1);
    assertThat(l.owner()).isEqualTo(1);
    assertThat(l.primary(0, p("0-1-5"))).isEqualTo(0); // old primary, covered: fine
    assertThat(l.primary(0, p("0-1-5,1-1-1"))).isEqualTo(MAX); // no longer the owner
    assertThat(l.primary(0, p("0-1-7"))).isEqualTo(2); // covers the latest: a switch back
  }

  /*
   * Within one MariaDB domain, positions are ordered by sequence whoever wrote them (as for
   * MASTER_GTID_WAIT), so divergence shows only across domains: here node 1 takes over having lost
   * 0-1-6 and 0-1-7 and writes in domain 1.
   */
  @Test
  void aDivergedNodeRestartsTheChainAfterSwitchAfterStatesInARow() {
    PositionLedger l = new PositionLedger(8, 3);
    l.primary(0, p("0-1-5"));
    l.primary(0, p("0-1-7")); // ordinal 1
    assertThat(l.primary(1, p("0-1-5"))).isEqualTo(0); // not written yet: covered
    assertThat(l.primary(1, p("0-1-5,1-2-1"))).isEqualTo(MAX);
    assertThat(l.primary(1, p("0-1-5,1-2-2"))).isEqualTo(MAX);
    assertThat(l.latest()).isEqualTo(1);
    assertThat(l.owner()).isZero();
    assertThat(l.primary(1, p("0-1-5,1-2-3"))).isEqualTo(1 + 1 + 8);
    assertThat(l.owner()).isEqualTo(1);
    assertThat(l.size()).isEqualTo(1);
    assertThat(l.latest()).isEqualTo(10);
    assertThat(l.at(1)).isEqualTo(p("0-1-5,1-2-3")); // from before the restart: what survived
    assertThat(l.replica(p("0-1-7"))).isEqualTo(-1); // a replica of the lost history
    assertThat(l.replica(p("0-1-5,1-2-3"))).isEqualTo(10);
    assertThat(l.primary(1, p("0-1-5,1-2-4"))).isEqualTo(11);
    assertThat(l.primary(0, p("0-1-8"))).isEqualTo(MAX); // the old primary is the stranger now
  }

  @Test
  void theOwnerSpeakingInBetweenKeepsTheChain() {
    PositionLedger l = new PositionLedger(8, 3);
    l.primary(0, p("0-1-5"));
    assertThat(l.primary(1, p("1-2-6"))).isEqualTo(MAX);
    assertThat(l.primary(1, p("1-2-7"))).isEqualTo(MAX);
    assertThat(l.primary(0, p("0-1-5"))).isEqualTo(0); // covered, but from the owner
    assertThat(l.primary(1, p("1-2-8"))).isEqualTo(MAX);
    assertThat(l.primary(1, p("1-2-9"))).isEqualTo(MAX);
    assertThat(l.owner()).isZero();
    assertThat(l.primary(2, p("2-3-9"))).isEqualTo(MAX); // a third node breaks the row too
    assertThat(l.primary(1, p("1-2-10"))).isEqualTo(MAX);
    assertThat(l.primary(1, p("1-2-11"))).isEqualTo(MAX);
    assertThat(l.reached(1, p("1-2-11"))).isEqualTo(MAX); // a part is no evidence of a switch
    assertThat(l.primary(1, p("0-1-4"))).isEqualTo(0); // nor is a covered state
    assertThat(l.latest()).isZero();
    assertThat(l.primary(1, p("1-2-12"))).isEqualTo(0 + 1 + 8);
  }

  @Test
  void switchAfterOneRestartsAtOnce() {
    PositionLedger l = new PositionLedger(4, 1);
    l.primary(0, p("0-1-5"));
    assertThat(l.primary(1, p("1-2-6"))).isEqualTo(5);
  }

  @Test
  void reachedAppendsOnlyForTheOwner() {
    PositionLedger l = new PositionLedger();
    assertThat(l.reached(0, p(""))).isEqualTo(-1);
    assertThat(l.reached(0, p("0-1-5"))).isEqualTo(0); // first entry
    assertThat(l.owner()).isZero();
    assertThat(l.reached(0, p("0-1-3"))).isEqualTo(0);
    assertThat(l.reached(1, p("0-1-4"))).isEqualTo(0); // covered: whoever says it
    assertThat(l.reached(0, p("1-1-1"))).isEqualTo(1);
    assertThat(l.at(1)).isEqualTo(p("0-1-5,1-1-1"));
    assertThat(l.reached(1, p("1-1-2"))).isEqualTo(MAX);
    assertThat(l.latest()).isEqualTo(1);
  }

  @Test
  void evictionKeepsTheNewestAndMapsOldOrdinalsForward() {
    PositionLedger l = new PositionLedger(3, 3);
    for (int i = 1; i <= 5; i++) {
      assertThat(l.primary(0, p("0-1-" + i))).isEqualTo(i - 1);
    }
    assertThat(l.size()).isEqualTo(3);
    assertThat(l.latest()).isEqualTo(4);
    assertThat(l.at(0)).isEqualTo(p("0-1-3"));
    assertThat(l.at(2)).isEqualTo(p("0-1-3"));
    assertThat(l.at(4)).isEqualTo(p("0-1-5"));
    assertThat(l.replica(p("0-1-2"))).isEqualTo(-1); // below everything kept: unknown
    assertThat(l.replica(p("0-1-3"))).isEqualTo(2);
    assertThat(l.ceiling(p("0-1-1"))).isEqualTo(2); // older than kept: the oldest kept
    assertThat(l.primary(0, p("0-1-1"))).isEqualTo(2);
  }

  @Test
  void refusesBadArgumentsAndMixedKinds() {
    assertThatThrownBy(() -> new PositionLedger(0, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ledger capacity must be at least 1, got 0");
    assertThatThrownBy(() -> new PositionLedger(4, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("switchAfter must be at least 1, got 0");
    PositionLedger l = new PositionLedger();
    l.primary(0, p("0-1-5"));
    MySqlGtidSet mysql = MySqlGtidSet.parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:1");
    assertThatThrownBy(() -> l.primary(0, mysql)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> l.replica(mysql)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> l.ceiling(mysql)).isInstanceOf(IllegalArgumentException.class);
    assertThat(l.latest()).isZero();
  }
}
