package dev.lagwise.spring.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwise.LagwiseCluster;
import dev.lagwise.LagwiseStats;
import dev.lagwise.NodeStats;
import dev.lagwise.routing.RouteReason;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The health verdict from node statistics: only a missing primary is DOWN. */
class LagwiseHealthTest {

  private static NodeStats node(String host, String role, long lagMillis) {
    return new NodeStats(host, role, lagMillis < 0 ? -1 : lagMillis * 10, lagMillis, 0, null);
  }

  private static LagwiseCluster cluster(NodeStats... nodes) {
    LagwiseStats stats =
        new LagwiseStats() {
          @Override
          public Map<RouteReason, Long> statementsByReason() {
            return Map.of();
          }

          @Override
          public List<NodeStats> nodes() {
            return Arrays.asList(nodes);
          }

          @Override
          public long statementsTotal() {
            return 0;
          }
        };
    return new LagwiseCluster() {
      @Override
      public String name() {
        return "a:5432,b:5432/shop";
      }

      @Override
      public LagwiseStats stats() {
        return stats;
      }

      @Override
      public Duration maxLag() {
        return Duration.ofSeconds(2);
      }
    };
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(
            "all fine",
            "UP",
            1,
            List.of(node("a:5432", "PRIMARY", 0), node("b:5432", "REPLICA", 100))),
        Arguments.of(
            "replica down",
            "UP",
            0,
            List.of(node("a:5432", "PRIMARY", 0), node("b:5432", "DOWN", -1))),
        Arguments.of(
            "replica beyond maxLag",
            "UP",
            0,
            List.of(node("a:5432", "PRIMARY", 0), node("b:5432", "REPLICA", 2001))),
        Arguments.of(
            "replica lag unknown",
            "UP",
            0,
            List.of(node("a:5432", "PRIMARY", 0), node("b:5432", "REPLICA", -1))),
        Arguments.of(
            "replica at maxLag",
            "UP",
            1,
            List.of(node("a:5432", "PRIMARY", 0), node("b:5432", "REPLICA", 2000))),
        Arguments.of(
            "primary down",
            "DOWN",
            1,
            List.of(node("a:5432", "DOWN", -1), node("b:5432", "REPLICA", 5))),
        Arguments.of(
            "no primary found",
            "DOWN",
            2,
            List.of(node("a:5432", "REPLICA", 5), node("b:5432", "REPLICA", 5))),
        Arguments.of(
            "not probed yet",
            "UNKNOWN",
            0,
            List.of(node("a:5432", "UNKNOWN", -1), node("b:5432", "UNKNOWN", -1))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  @SuppressWarnings("unchecked")
  void verdict(String name, String status, int serving, List<NodeStats> nodes) {
    LagwiseHealth.Verdict v = LagwiseHealth.of(List.of(cluster(nodes.toArray(NodeStats[]::new))));
    assertThat(v.status().name()).isEqualTo(status);
    Map<String, Object> c = (Map<String, Object>) v.details().get("a:5432,b:5432/shop");
    assertThat(c).containsEntry("status", status).containsEntry("replicasServingReads", serving);
    assertThat((Map<String, Object>) c.get("nodes")).containsOnlyKeys("a:5432", "b:5432");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void oneDownClusterMakesAllDown(String name, String status, int serving, List<NodeStats> nodes) {
    LagwiseCluster fine = cluster(node("a:5432", "PRIMARY", 0));
    LagwiseHealth.Verdict v =
        LagwiseHealth.of(List.of(fine, cluster(nodes.toArray(NodeStats[]::new))));
    assertThat(v.status().name()).isEqualTo(status);
  }

  @org.junit.jupiter.api.Test
  void noClusterYetIsUnknown() {
    assertThat(LagwiseHealth.of(List.of()).status()).isEqualTo(LagwiseHealth.Status.UNKNOWN);
  }
}
