package dev.lagwise.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwise.ConsistencyContext;
import dev.lagwise.ConsistencyToken;
import dev.lagwise.monitor.ClusterSnapshot;
import dev.lagwise.monitor.MonitorFixture;
import dev.lagwise.routing.SessionPositions;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The position a read needs, by scope, as a table. The cluster's monitor is stopped and fed
 * observations by hand: host 0 is the primary, hosts 1 and 2 replicas.
 */
class SessionConsistencyTest {

  private static final AtomicInteger CLUSTERS = new AtomicInteger();

  static Cluster cluster() throws SQLException {
    StubDriver.install();
    int n = CLUSTERS.incrementAndGet();
    ConnectionSpec spec =
        ConnectionSpec.parse(
            "jdbc:lagwise:postgresql://primary-sc" + n + ":1,replica-sca" + n + ":2/db",
            new Properties());
    Cluster c = new Cluster(spec);
    c.monitor.close(); // no probe threads: this test decides what the monitor saw
    return c;
  }

  static SessionPositions session(Cluster cluster, String consistency) {
    return session(cluster, consistency, "exact");
  }

  /** The positions of a new logical connection (no wait for a sample after a failed capture). */
  static SessionPositions session(Cluster cluster, String consistency, String capture) {
    return new SessionPositions(
        cluster.monitor,
        cluster.shared,
        cluster.context,
        System::nanoTime,
        SessionPositions.Scope.valueOf(consistency.toUpperCase(java.util.Locale.ROOT)),
        capture.equals("observed"),
        0,
        true);
  }

  @ParameterizedTest(name = "{0}: JVM wrote {1}, session wrote {2} -> needs {3}")
  @CsvSource({
    // consistency, JVM-wide position, this session's committed write, expected need
    "causal,  500,  -1,  500",
    "causal,  500, 700,  700",
    "causal,   -1, 700,  700",
    "session, 500,  -1,   -1",
    "session, 500, 700,  700",
    "none,    500, 700,   -1",
  })
  void scopes(String consistency, long jvm, long own, long expected) throws Exception {
    Cluster cluster = cluster();
    MonitorFixture.observe(cluster.monitor, 0, false, 1000, System.nanoTime());
    cluster.shared.raiseCausal(jvm);
    SessionPositions s = session(cluster, consistency);
    if (own >= 0 && s.capturing()) {
      s.committed(own);
      assertThat(cluster.shared.causalPosition())
          .as("the JVM-wide position after the write")
          .isEqualTo(consistency.equals("causal") ? Math.max(jvm, own) : jvm);
    }
    assertThat(s.need(cluster.snapshot())).isEqualTo(expected);
  }

  @ParameterizedTest(name = "a capture that fails -> only the primary until a sample after it")
  @CsvSource({"false, 9223372036854775807", "true, 1000"})
  void aFailedCaptureWaitsForThePrimarysNextSample(boolean sampled, long expected)
      throws Exception {
    Cluster cluster = cluster();
    SessionPositions s = session(cluster, "session");
    s.captureFailed(); // the position query found nothing
    if (sampled) {
      MonitorFixture.observe(cluster.monitor, 0, false, 1000, System.nanoTime() + 1);
    }
    assertThat(s.need(cluster.snapshot())).isEqualTo(expected);
  }

  @ParameterizedTest(
      name = "observed capture, {0}: before the next primary sample -> {1}, after -> {2}")
  @CsvSource({
    // consistency, need of the writing session and of another session before the primary is
    // sampled again, and after (primary sampled at 1000)
    "causal,  9223372036854775807, 9223372036854775807, 1000, 1000",
    "session, 9223372036854775807, -1,                  1000, -1",
  })
  void observedCaptureWaitsForThePrimarysNextSample(
      String consistency, long writerBefore, long otherBefore, long writerAfter, long otherAfter)
      throws Exception {
    Cluster cluster = cluster();
    MonitorFixture.observe(cluster.monitor, 0, false, 900, System.nanoTime());
    SessionPositions writer = session(cluster, consistency, "observed");
    SessionPositions other = session(cluster, consistency, "observed");
    writer.committedAt(); // no round trip
    assertThat(writer.need(cluster.snapshot())).isEqualTo(writerBefore);
    assertThat(other.need(cluster.snapshot())).isEqualTo(otherBefore);
    MonitorFixture.observe(cluster.monitor, 0, false, 1000, System.nanoTime() + 1);
    assertThat(writer.need(cluster.snapshot())).isEqualTo(writerAfter);
    assertThat(other.need(cluster.snapshot())).isEqualTo(otherAfter);
  }

  @ParameterizedTest(name = "token {0}, primary sampled {1} the token arrived -> needs {2}")
  @CsvSource({
    // token position, primary sampled after the token arrived?, expected need
    "999999999999, true,  1000",
    "999999999999, false, 999999999999",
    "800,          true,  800",
    "800,          false, 800",
  })
  void untrustedTokensAreClampedToAPrimarySampleTakenAfterThem(
      long token, boolean sampledAfter, long expected) throws Exception {
    Cluster cluster = cluster();
    SessionPositions s = session(cluster, "session");
    if (!sampledAfter) {
      MonitorFixture.observe(cluster.monitor, 0, false, 1000, System.nanoTime());
    }
    s.require(ConsistencyToken.postgres(token).position());
    if (sampledAfter) {
      MonitorFixture.observe(cluster.monitor, 0, false, 1000, System.nanoTime() + 1);
    }
    assertThat(s.need(cluster.snapshot())).isEqualTo(expected);
  }

  @ParameterizedTest(name = "context own {0}, carried {1} -> needs {2}")
  @CsvSource({
    // context's own write, carried (untrusted) token, expected need; primary sampled at 1000
    // after the context opened
    "600,  -1,           600",
    " -1,  900,          900",
    " -1,  999999999999, 1000",
    "1200, 999999999999, 1200",
  })
  void aBoundContextAddsItsPositions(long own, long carried, long expected) throws Exception {
    Cluster cluster = cluster();
    SessionPositions s = session(cluster, "none");
    try (ConsistencyContext ctx =
        ConsistencyContext.open(carried < 0 ? null : ConsistencyToken.postgres(carried))) {
      if (own >= 0) {
        ctx.wrote(ConsistencyToken.postgres(own));
      }
      MonitorFixture.observe(cluster.monitor, 0, false, 1000, System.nanoTime() + 1);
      assertThat(s.need(cluster.snapshot())).isEqualTo(expected);
    }
    assertThat(s.need(cluster.snapshot())).as("after the context closed").isEqualTo(-1);
  }

  @ParameterizedTest(name = "read on the primary, then a primary sample {0} it -> needs {1}")
  @CsvSource({"before, 9223372036854775807", "after, 1000"})
  void aReadOnThePrimaryNeedsAPrimarySampleSentAfterIt(String when, long expected)
      throws Exception {
    Cluster cluster = cluster();
    SessionPositions s = session(cluster, "session");
    MonitorFixture.observe(cluster.monitor, 0, false, 900, System.nanoTime());
    s.read(cluster.snapshot(), 0, true);
    long sent = when.equals("after") ? System.nanoTime() + 1 : System.nanoTime() - 1_000_000_000L;
    MonitorFixture.observe(cluster.monitor, 0, false, 1000, sent);
    ClusterSnapshot snap = cluster.snapshot();
    assertThat(s.need(snap)).isEqualTo(expected);
  }

  @ParameterizedTest(
      name = "read on replica 1, then its probe {0} the read -> replica 2 may serve: {1}")
  @CsvSource({"before, false", "after, true"})
  void anotherReplicaServesOnlyOnceTheFirstIsKnownPastTheRead(String when, boolean allowed)
      throws Exception {
    Cluster cluster = cluster();
    SessionPositions s = session(cluster, "session");
    MonitorFixture.observe(cluster.monitor, 0, false, 1000, System.nanoTime());
    MonitorFixture.observe(cluster.monitor, 1, true, 800, System.nanoTime());
    s.read(cluster.snapshot(), 1, false);
    long sent = when.equals("after") ? System.nanoTime() + 1 : System.nanoTime() - 1_000_000_000L;
    MonitorFixture.observe(cluster.monitor, 1, true, 950, sent);
    long need = s.need(cluster.snapshot());
    assertThat(s.mayRead(1)).as("the same replica always may").isTrue();
    assertThat(s.mayRead(2)).isEqualTo(allowed);
    assertThat(need).isEqualTo(allowed ? 950 : 800);
  }

  @ParameterizedTest(name = "{0} context inside causal scope: JVM wrote 700 -> needs {1}")
  @CsvSource({"plain, 700", "request, 400"})
  void aRequestScopeReplacesCausalThroughTheDriversBinding(String kind, long expected)
      throws Exception {
    Cluster cluster = cluster();
    cluster.shared.raiseCausal(700);
    SessionPositions s = session(cluster, "causal");
    ConsistencyToken carried = ConsistencyToken.postgres(400);
    try (ConsistencyContext ctx =
        kind.equals("request")
            ? ConsistencyContext.openRequest(carried)
            : ConsistencyContext.open(carried)) {
      MonitorFixture.observe(cluster.monitor, 0, false, 1000, System.nanoTime() + 1);
      assertThat(s.need(cluster.snapshot())).isEqualTo(expected);
      s.committed(800);
      assertThat(ctx.token()).isEqualTo(ConsistencyToken.postgres(800));
    }
    assertThat(cluster.shared.causalPosition()).isEqualTo(800);
    assertThat(s.need(cluster.snapshot())).as("after the context closed").isEqualTo(800);
  }

  @org.junit.jupiter.api.Test
  void aHandoffCarriesTheContextToAnotherThreadAndForwardsItsWritesBack() throws Exception {
    try (ConsistencyContext request =
        ConsistencyContext.openRequest(ConsistencyToken.postgres(100))) {
      request.wrote(ConsistencyToken.postgres(200));
      ConsistencyContext.Handoff handoff = request.handoff();
      java.util.concurrent.atomic.AtomicReference<ConsistencyContext> seen =
          new java.util.concurrent.atomic.AtomicReference<>();
      Thread t =
          new Thread(
              () -> {
                try (ConsistencyContext child = handoff.open()) {
                  seen.set(child);
                  assertThat(child.requestScope()).isTrue();
                  assertThat(child.unit()).isEqualTo(request.unit());
                  assertThat(child.token()).isEqualTo(ConsistencyToken.postgres(200));
                  child.wrote(ConsistencyToken.postgres(300));
                  child.pending(42);
                }
                assertThat(ConsistencyContext.current()).isNull();
              });
      t.start();
      t.join();
      assertThat(seen.get()).isNotNull();
      assertThat(ConsistencyContext.current()).isSameAs(request);
      assertThat(request.token()).isEqualTo(ConsistencyToken.postgres(300));
      assertThat(request.pendingSinceNanos()).isEqualTo(42);
    }
    assertThat(ConsistencyContext.current()).isNull();
  }

  @org.junit.jupiter.api.Test
  void aHandoffOpenedOnTheSameThreadNestsAndRestoresTheParent() {
    try (ConsistencyContext request = ConsistencyContext.openRequest(null)) {
      try (ConsistencyContext child = request.handoff().open()) {
        assertThat(ConsistencyContext.current()).isSameAs(child);
        child.wrote(ConsistencyToken.postgres(5));
      }
      assertThat(ConsistencyContext.current()).isSameAs(request);
      assertThat(request.token()).isEqualTo(ConsistencyToken.postgres(5));
    }
  }

  @ParameterizedTest(
      name =
          "read on {0}, then a write captured at 1100 (a primary sample: {1}) -> replica 2: {2},"
              + " needs {3}")
  @CsvSource({
    // where the session read, capture is a primary sample (PostgreSQL), replica 2 may serve, need
    "replica, true,  true,  1100",
    "replica, false, false, 1100",
    "primary, true,  true,  1100",
    "primary, false, true,  9223372036854775807",
  })
  void aPostgresCaptureSettlesEarlierReadsLikeAPrimarySample(
      String where, boolean primarySample, boolean replica2, long expected) throws Exception {
    Cluster cluster = cluster();
    SessionPositions s = session(cluster, "session");
    MonitorFixture.observe(cluster.monitor, 0, false, 1000, System.nanoTime());
    MonitorFixture.observe(cluster.monitor, 1, true, 800, System.nanoTime());
    s.read(cluster.snapshot(), where.equals("replica") ? 1 : 0, where.equals("primary"));
    // No probe since the read: only the capture can settle it.
    s.committed(1100, primarySample);
    assertThat(s.mayRead(2)).isEqualTo(replica2);
    assertThat(s.need(cluster.snapshot())).isEqualTo(expected);
  }
}
