package dev.lagwise.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * {@link ReplicaWaits}: a read that found no replica and waited is counted once, with the time the
 * ticker says it waited, as served by a replica or timed out; a read that did not wait is not.
 */
class ReplicaWaitsTest {

  private static final long WAIT = 500_000_000L;

  /** {@link RouterTest.FakeCluster} whose wait brings replica 1 up after 200 ms when asked to. */
  private static final class Waiting implements Topology {
    final RouterTest.FakeCluster c = new RouterTest.FakeCluster();
    boolean replicaComesUp;

    @Override
    public ClusterView view() {
      return c;
    }

    @Override
    public void requestPrimaryProbe(boolean thenChase) {}

    @Override
    public void chase(long position) {}

    @Override
    public void awaitNewView(ClusterView seen, long timeoutNanos) {
      if (replicaComesUp) {
        c.now.addAndGet(200_000_000L);
        c.replicaUp[1] = true;
      } else {
        c.now.addAndGet(timeoutNanos);
      }
    }
  }

  private static ReplicaSelector selector(Waiting t, SharedPositions shared) {
    SessionPositions positions =
        new SessionPositions(
            t,
            shared,
            BoundContext.NONE,
            t.c.now::get,
            SessionPositions.Scope.NONE,
            false,
            0,
            true);
    return new ReplicaSelector(
        t, shared, positions, t.c.now::get, false, 2_000_000_000L, WAIT, true);
  }

  @Test
  void aReadThatFindsAReplicaDoesNotCount() throws SQLException {
    Waiting t = new Waiting();
    SharedPositions shared = new SharedPositions(3);
    assertThat(selector(t, shared).forRead()).isIn(1, 2);
    assertThat(shared.waits.served() + shared.waits.timedOut()).isZero();
  }

  @Test
  void aWaitThatRunsOutCountsAsTimedOutWithItsLength() throws SQLException {
    Waiting t = new Waiting();
    t.c.replicaUp[1] = false;
    t.c.replicaUp[2] = false;
    SharedPositions shared = new SharedPositions(3);
    assertThat(selector(t, shared).forRead()).isEqualTo(-1);
    assertThat(shared.waits.timedOut()).isEqualTo(1);
    assertThat(shared.waits.timedOutNanos()).isEqualTo(WAIT);
    assertThat(shared.waits.served()).isZero();
  }

  @Test
  void aWaitThatEndsOnAReplicaCountsAsServedWithItsLength() throws SQLException {
    Waiting t = new Waiting();
    t.c.replicaUp[1] = false;
    t.c.replicaUp[2] = false;
    t.replicaComesUp = true;
    SharedPositions shared = new SharedPositions(3);
    assertThat(selector(t, shared).forRead()).isEqualTo(1);
    assertThat(shared.waits.served()).isEqualTo(1);
    assertThat(shared.waits.servedNanos()).isEqualTo(200_000_000L);
    assertThat(shared.waits.timedOut()).isZero();
  }
}
