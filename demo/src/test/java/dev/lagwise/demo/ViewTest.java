package dev.lagwise.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ViewTest {

  private static Tally.Counts counts() {
    Tally tally = new Tally("127.0.0.1:5433");
    tally.wrote("127.0.0.1:5433");
    tally.readBack("127.0.0.1:5433", true, 1);
    tally.plainRead("127.0.0.1:5434");
    tally.plainRead("127.0.0.1:5434");
    tally.plainRead("127.0.0.1:5435");
    return tally.counts();
  }

  private static Frame frame(Map<String, Long> reasons, Long lagBytes, Long lagMillis) {
    return frame(DemoEngine.POSTGRESQL, reasons, lagBytes, lagMillis);
  }

  private static Frame frame(
      DemoEngine engine, Map<String, Long> reasons, Long lagBytes, Long lagMillis) {
    return new Frame(
        engine,
        23_456,
        50_000,
        "replica1 replay paused",
        "at 30 s: replica1 resumed",
        "primary + 2 replicas",
        List.of(
            new Frame.Row("primary", "127.0.0.1:5433", "primary", 0L, 0L, 2L, 2),
            new Frame.Row("replica1", "127.0.0.1:5434", "replica", lagBytes, lagMillis, 3L, 2),
            new Frame.Row("replica2", "127.0.0.1:5435", "replica", 0L, 0L, 1L, 1)),
        counts(),
        reasons);
  }

  @Test
  void screenShowsNodesCountsAndReasons() {
    String screen =
        View.screen(
            frame(
                Map.of("TOKEN_NOT_SATISFIED", 1234L, "LAG_BOUND", 5L, "PINNED", 2L),
                1_234_567L,
                13_210L));

    assertThat(screen)
        .contains("Lagwise demo: PostgreSQL primary + 2 replicas   t = 23.5 s of 50 s")
        .containsPattern("NODE +ADDRESS +ROLE +LAG BYTES +LAG MS")
        .contains("phase: replica1 replay paused")
        .contains("next:  at 30 s: replica1 resumed")
        .containsPattern("replica1 +127\\.0\\.0\\.1:5434 +replica +1,234,567 +13,210 +3 +2\n")
        .contains("1 rows written and read back at once; violations: 0")
        .contains("READS             4: replicas 3 (75.0%), primary 1 (25.0%)")
        .contains(
            "WHY PRIMARY       token not satisfied 1,234, lag bound 5, replica down 0, pinned 2")
        .contains("ERRORS            0\n");
  }

  @Test
  void mariaDbScreenNamesItsEngineAndLagInTransactions() {
    String screen = View.screen(frame(DemoEngine.MARIADB, Map.of(), 12L, 340L));

    assertThat(screen)
        .startsWith("Lagwise demo: MariaDB primary + 2 replicas")
        .containsPattern("NODE +ADDRESS +ROLE +BYTES N/A +LAG MS")
        .containsPattern("replica1 +127\\.0\\.0\\.1:5434 +replica +12 +340 +3 +2\n");
  }

  @Test
  void unknownLagAndMissingReasonsAreShownAsSuch() {
    String screen = View.screen(frame(null, null, null));

    assertThat(screen)
        .containsPattern("replica1 +127\\.0\\.0\\.1:5434 +replica +unknown +unknown +3 +2\n")
        .contains("WHY PRIMARY       n/a");
    assertThat(View.plain(frame(null, null, null)))
        .startsWith("[23.5s] replica1 replay paused | read-backs 1, violations 0")
        .contains("lag replica1 unknown ms, replica2 0 ms")
        .doesNotContain("\n");
  }

  @Test
  void phaseTableCountsReadsAndReasonsPerPhase() {
    Tally tally = new Tally("p:1");
    PhaseLog log = new PhaseLog();
    log.at("healthy", new PhaseLog.Mark(0, tally.counts(), Map.of()));
    tally.plainRead("r:2");
    tally.plainRead("r:3");
    log.at("healthy", new PhaseLog.Mark(500, tally.counts(), Map.of()));
    log.at("paused", new PhaseLog.Mark(10_000, tally.counts(), Map.of("LAG_BOUND", 4L)));
    tally.plainRead("p:1");
    tally.plainRead("r:3");
    log.end(new PhaseLog.Mark(20_000, tally.counts(), Map.of("LAG_BOUND", 5L)));

    List<String> lines =
        log.table(List.of("replica1", "replica2"), List.of("r:2", "r:3")).lines().toList();

    assertThat(lines).hasSize(3);
    assertThat(lines.get(0))
        .matches("SECONDS +PHASE +READS +REPLICAS +REPLICA1 +REPLICA2 +TOKEN +LAG BOUND");
    assertThat(lines.get(1)).matches("0-10 +healthy +2 +100\\.0% +1 +1 +0 +4");
    assertThat(lines.get(2)).matches("10-20 +paused +2 +50\\.0% +0 +1 +0 +1");
  }

  @Test
  void unknownReasonsShowAsNotAvailableInThePhaseTable() {
    Tally tally = new Tally("p:1");
    PhaseLog log = new PhaseLog();
    log.at("healthy", new PhaseLog.Mark(0, tally.counts(), null));
    log.end(new PhaseLog.Mark(10_000, tally.counts(), null));

    assertThat(log.table(List.of("replica1"), List.of("r:2")).lines().toList().get(1))
        .matches("0-10 +healthy +0 +- +0 +n/a +n/a");
  }
}
