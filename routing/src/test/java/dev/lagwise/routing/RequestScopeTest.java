package dev.lagwise.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwise.routing.RouterTest.FakeCluster;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The request scope's rule in {@link SessionPositions}: while a request scope is bound, a read
 * needs only the context and explicit positions; writes still raise every scope. Pure logic on a
 * {@link FakeCluster} (node 0 the primary at 1000, replicas 1 and 2) and a hand-driven ticker.
 */
class RequestScopeTest {

  /** A bound unit of work the test opens and closes by hand. */
  static final class FakeBound implements BoundContext {
    boolean present;
    boolean request;
    long unit;
    long own = -1;
    long carried = -1;
    long carriedSince;
    long pending = SharedPositions.NONE;

    void open(long unit, boolean request, long carried, long since) {
      this.present = true;
      this.request = request;
      this.unit = unit;
      this.own = -1;
      this.carried = carried;
      this.carriedSince = since;
      this.pending = SharedPositions.NONE;
    }

    void close() {
      present = false;
      request = false;
      unit = 0;
      own = -1;
      carried = -1;
      pending = SharedPositions.NONE;
    }

    @Override
    public boolean present() {
      return present;
    }

    @Override
    public boolean replacesImplicit() {
      return present && request;
    }

    @Override
    public long unit() {
      return unit;
    }

    @Override
    public long own() {
      return own;
    }

    @Override
    public long carried() {
      return carried;
    }

    @Override
    public long carriedSinceNanos() {
      return carriedSince;
    }

    @Override
    public long pendingSinceNanos() {
      return pending;
    }

    @Override
    public void saw(long position) {
      if (present) {
        own = Math.max(own, position);
      }
    }

    @Override
    public void resolve(long sinceNanos, long position) {
      saw(position);
      if (pending != SharedPositions.NONE && pending - sinceNanos <= 0) {
        pending = SharedPositions.NONE;
      }
    }

    @Override
    public void pending(long sinceNanos) {
      if (present && (pending == SharedPositions.NONE || sinceNanos - pending > 0)) {
        pending = sinceNanos;
      }
    }
  }

  private final FakeCluster c = new FakeCluster();
  private final SharedPositions shared = new SharedPositions(3);
  private final FakeBound bound = new FakeBound();

  {
    c.primaryPosition = 1000;
    c.positions = new long[] {1000, 1000, 1000};
  }

  private SessionPositions session(String scope) {
    return new SessionPositions(
        c,
        shared,
        bound,
        c.now::get,
        SessionPositions.Scope.valueOf(scope.toUpperCase(Locale.ROOT)),
        false,
        0,
        true);
  }

  @ParameterizedTest(name = "{0}, context {1}: JVM 500, connection earlier 700, context 300 -> {2}")
  @CsvSource({
    // scope, bound context (none | plain | request), the position a read needs
    "causal,  none,    700",
    "causal,  plain,   700",
    "causal,  request, 400",
    "session, none,    700",
    "session, plain,   700",
    "session, request, 400",
    "none,    none,     -1",
    "none,    plain,   400",
    "none,    request, 400",
  })
  void aRequestScopeReplacesTheImplicitScopesForReads(String scope, String context, long expected)
      throws Exception {
    shared.causal.set(500);
    SessionPositions s = session(scope);
    s.committed(700); // this pooled connection's write, made before the request
    if (!context.equals("none")) {
      bound.open(1, context.equals("request"), 400, c.now.get());
      bound.saw(300);
    }
    assertThat(s.need(c)).isEqualTo(expected);
  }

  @Test
  void aWriteInsideARequestRaisesTheContextTheConnectionAndCausal() throws Exception {
    SessionPositions s = session("causal");
    bound.open(1, true, -1, c.now.get());
    s.committed(800);
    assertThat(bound.own).isEqualTo(800);
    assertThat(s.need(c)).as("inside the request: its own write").isEqualTo(800);
    bound.close();
    assertThat(shared.causal.get()).as("code outside requests sees it").isEqualTo(800);
    assertThat(session("causal").need(c)).isEqualTo(800);
    assertThat(s.need(c)).isEqualTo(800);
  }

  @Test
  void anotherRequestOnTheSamePooledConnectionDoesNotInheritTheWrite() throws Exception {
    SessionPositions s = session("causal");
    bound.open(1, true, -1, c.now.get());
    s.committed(800);
    bound.close();
    bound.open(2, true, -1, c.now.get());
    assertThat(s.need(c)).isEqualTo(-1);
  }

  @Test
  void aFailedCaptureInsideARequestSendsItsReadsToThePrimaryUntilASampleAfterIt() throws Exception {
    SessionPositions s = session("session");
    bound.open(1, true, -1, c.now.get());
    c.primaryPosition = -1; // no sample: the capture cannot be resolved
    s.captureFailed();
    assertThat(bound.pending).isNotEqualTo(SharedPositions.NONE);
    assertThat(s.need(c)).isEqualTo(Long.MAX_VALUE);
    c.primaryPosition = 1200;
    c.now.addAndGet(1);
    assertThat(s.need(c)).isEqualTo(1200);
    assertThat(bound.own).isEqualTo(1200);
  }

  @Test
  void aReadOnThePrimaryInAnEarlierRequestDoesNotHoldThisOneBack() throws Exception {
    SessionPositions s = session("session");
    c.primaryPosition = -1; // samples unknown: a pending moment blocks replicas
    bound.open(1, true, -1, c.now.get());
    s.read(c, 0, true);
    assertThat(s.need(c)).as("the same request: only the primary").isEqualTo(Long.MAX_VALUE);
    bound.close();
    bound.open(2, true, -1, c.now.get());
    assertThat(s.need(c)).as("the next request on the same connection").isEqualTo(-1);
    bound.close();
    assertThat(s.need(c)).as("outside requests: the connection's scope").isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void monotonicReadsHoldWithinTheRequestOnly() throws Exception {
    SessionPositions s = session("session");
    bound.open(1, true, -1, c.now.get());
    s.read(c, 1, false);
    assertThat(s.mayRead(2)).as("same request: stay on replica 1").isFalse();
    bound.close();
    assertThat(s.mayRead(2)).as("outside requests: the connection's rule").isFalse();
    bound.open(2, true, -1, c.now.get());
    assertThat(s.mayRead(2)).as("another request").isTrue();
    bound.close();
    bound.open(3, false, -1, c.now.get());
    assertThat(s.mayRead(2)).as("a plain context keeps the connection's rule").isFalse();
  }

  @Test
  void aProbeAfterTheRequestsReplicaReadRaisesTheContext() throws Exception {
    SessionPositions s = session("session");
    c.positions[1] = 900;
    bound.open(1, true, -1, c.now.get());
    s.read(c, 1, false);
    assertThat(bound.own).isEqualTo(900);
    c.now.addAndGet(1_000_000);
    c.positions[1] = 950; // a probe sent after the read: replica 1 had replayed at least this
    assertThat(s.need(c)).isEqualTo(950);
    assertThat(bound.own).isEqualTo(950);
    assertThat(s.mayRead(2)).isTrue();
  }

  @Test
  void leavingAnEarlierRequestsReplicaKeepsTheConnectionsMonotonicReads() throws Exception {
    SessionPositions s = session("session");
    c.primaryPosition = -1;
    bound.open(1, true, -1, c.now.get());
    s.read(c, 1, false);
    bound.close();
    bound.open(2, true, -1, c.now.get());
    assertThat(s.mayRead(2)).isTrue();
    s.read(c, 2, false);
    bound.close();
    assertThat(s.need(c))
        .as("replica 1's read is now covered by a primary sample after it")
        .isEqualTo(Long.MAX_VALUE);
    c.primaryPosition = 1100;
    c.now.addAndGet(1);
    assertThat(s.need(c)).isEqualTo(1100);
  }

  @Test
  void withoutAContextCausalStillAppliesToEveryConnection() throws Exception {
    SessionPositions writer = session("causal");
    SessionPositions reader = session("causal");
    writer.committed(900);
    assertThat(reader.need(c)).isEqualTo(900);
    bound.open(7, true, -1, c.now.get());
    assertThat(reader.need(c)).isEqualTo(-1);
    bound.close();
    assertThat(reader.need(c)).isEqualTo(900);
  }

  @Test
  void aForgedCarriedTokenIsClampedToThePrimary() throws Exception {
    SessionPositions s = session("causal");
    bound.open(1, true, Long.MAX_VALUE - 1, c.now.get());
    assertThat(s.need(c)).isEqualTo(1000);
  }
}
