package dev.lagwise.routing;

import java.sql.SQLException;
import java.util.function.LongSupplier;

/**
 * Read-your-writes and monotonic reads for one logical connection, as log positions.
 *
 * <p>Invariant: a read whose requirement is R never reaches a replica whose replayed position is
 * known to be below R. R is the largest of: this connection's own writes and reads ({@link #own});
 * under causal scope, every write made through the cluster in this JVM ({@link SharedPositions});
 * the thread's {@link BoundContext}; positions handed in with {@link #require}. Positions recorded
 * here from the primary are trusted. Positions from outside are not: each is clamped to the
 * primary's position as sampled after it arrived — a legitimate one never exceeds that, a forged
 * one is cut down to it.
 *
 * <p>A write's position is read from the primary after it commits ({@link #committed}). When that
 * is not possible ({@link #captureFailed}, observed capture) the write's moment is recorded
 * instead, in every scope the position would have raised, and reads need the primary as sampled
 * after that moment; until such a sample exists they go to the primary. A read on the primary does
 * the same for monotonic reads, as does a transaction on the primary that ends without a captured
 * position (its locking reads may have seen newer data than any replica has).
 *
 * <p>Monotonic reads: a read on a replica raises {@link #own} to that replica's known position; a
 * later read never goes to a host known to be behind it, and switches replica only once a probe
 * sent after that read shows where the first one was, or a primary position read after it (a
 * sample, or a PostgreSQL commit capture) covers it. Between two probes the monitor's knowledge is
 * a lower bound.
 *
 * <p>Request scope: while a {@link BoundContext} that {@linkplain BoundContext#replacesImplicit()
 * replaces the implicit scopes} is bound, a read needs only the context (what it carried in, wrote
 * and read) and explicit positions: not {@link #own} (a pooled connection's earlier requests), not
 * {@link SharedPositions} (other requests), not a pending {@link #primaryAfter}, and the rule of
 * staying on the last replica only for a read made in the same unit of work. Writes still raise
 * every scope, so code outside requests keeps seeing them. When a later probe shows where such a
 * same-unit replica read was, the context is raised to it, so the request's monotonic reads hold on
 * its other connections too. Nothing the request itself did is lost: every write, failed capture,
 * read on the primary or on a replica inside it raises or marks the context as well.
 */
public final class SessionPositions {

  private static final long NONE = SharedPositions.NONE;

  /** The scope of implicit read-your-writes. */
  public enum Scope {
    /** Every connection of the cluster in this JVM. */
    CAUSAL,
    /** This logical connection. */
    SESSION,
    /** None: only bound contexts and explicit positions. */
    NONE
  }

  private final Topology topology;
  private final SharedPositions shared;
  private final BoundContext bound;
  private final LongSupplier ticker;
  private final boolean implicit;
  private final boolean causal;
  private final boolean observed;
  private final long captureWaitNanos;

  private long own = -1;
  private long explicit = -1;
  private long explicitSince;

  /** Replicas must have replayed the primary's position as sampled after this moment. */
  private long primaryAfter = NONE;

  /**
   * True when a write (not only a read on the primary) is behind {@link #primaryAfter}: such a
   * moment is never settled by the primary's loss, since the write may be on no replica yet.
   */
  private boolean primaryAfterWrite;

  /** {@code lagwise.primaryLossReads=continue}: see {@link #settledByLoss}. */
  private final boolean primaryLossReads;

  /** Replica of the last read and when it ended; NONE once a later probe of it is folded in. */
  private int lastReplica = -1;

  /** The unit of work ({@link BoundContext#unit()}) the last replica read was made in; 0 none. */
  private long lastReplicaUnit;

  private long lastReplicaReadAt = NONE;

  /**
   * @param observed record a commit's moment instead of asking for its position (no round trip)
   * @param captureWaitNanos how long a failed capture waits for a primary sample before it falls
   *     back to recording the moment
   */
  public SessionPositions(
      Topology topology,
      SharedPositions shared,
      BoundContext bound,
      LongSupplier ticker,
      Scope scope,
      boolean observed,
      long captureWaitNanos,
      boolean primaryLossReads) {
    this.topology = topology;
    this.shared = shared;
    this.bound = bound;
    this.ticker = ticker;
    this.implicit = scope != Scope.NONE;
    this.causal = scope == Scope.CAUSAL;
    this.observed = observed;
    this.captureWaitNanos = captureWaitNanos;
    this.primaryLossReads = primaryLossReads;
  }

  /** The position a read must see now; -1 for none; {@link Long#MAX_VALUE}: only the primary. */
  public long need(ClusterView s) throws SQLException {
    // One thread-local read; the implicit scopes below are skipped while a request scope is bound.
    boolean replace = bound.replacesImplicit();
    long need = implicit && !replace ? own : -1;
    if (causal && !replace) {
      long after = shared.causalAfter.get();
      if (after != NONE) {
        if (!sampledSince(s, after)) {
          topology.requestPrimaryProbe(false);
          return Long.MAX_VALUE;
        }
        shared.causal.accumulateAndGet(s.primaryPosition(), Math::max);
        // A write after `after` keeps its own, later moment pending.
        shared.causalAfter.compareAndSet(after, NONE);
      }
      need = Math.max(need, shared.causal.get());
    }
    if (primaryAfter != NONE && !replace) {
      if (!sampledSince(s, primaryAfter) && (primaryAfterWrite || !settledByLoss(s))) {
        topology.requestPrimaryProbe(false);
        return Long.MAX_VALUE;
      }
      primaryAfterWrite = false;
      // The primary is ahead of every replica: this covers the last replica read too.
      own = Math.max(own, s.primaryPosition());
      primaryAfter = NONE;
      lastReplicaReadAt = NONE;
      need = Math.max(need, own);
    }
    if (lastReplicaReadAt != NONE
        && s.positionSentNanos(lastReplica) - lastReplicaReadAt >= 0
        && s.position(lastReplica) >= 0) {
      long seen = s.position(lastReplica);
      own = Math.max(own, seen);
      lastReplicaReadAt = NONE;
      if (!replace) {
        need = Math.max(need, own);
      } else if (lastReplicaUnit == bound.unit()) {
        bound.saw(seen);
      }
    }
    need = Math.max(need, clamp(explicit, explicitSince, s));
    if (bound.present()) {
      long pending = bound.pendingSinceNanos();
      if (pending != NONE) {
        if (!sampledSince(s, pending)) {
          topology.requestPrimaryProbe(false);
          return Long.MAX_VALUE;
        }
        bound.resolve(s.primarySentNanos(), s.primaryPosition());
      }
      need = Math.max(need, bound.own());
      need = Math.max(need, clamp(bound.carried(), bound.carriedSinceNanos(), s));
    }
    return need;
  }

  /**
   * While no host is primary, a read the session made on the primary after its last sample asks for
   * a position nobody can read any more: it is taken as the last sample. What the primary committed
   * between that sample and its loss may be on no replica (and is lost if a replica is promoted);
   * the outage's age bounds how old such a read's data is. Never for a write's moment ({@link
   * #primaryAfterWrite}), for the causal scope's write moments or for tokens from outside.
   */
  private boolean settledByLoss(ClusterView s) {
    return primaryLossReads && s.primary() < 0 && !s.primaryContested() && s.primaryPosition() >= 0;
  }

  private static boolean sampledSince(ClusterView s, long sinceNanos) {
    return s.primaryPosition() >= 0 && s.primarySentNanos() - sinceNanos >= 0;
  }

  private static long clamp(long position, long since, ClusterView s) {
    if (position >= 0 && sampledSince(s, since)) {
      return Math.min(position, s.primaryPosition());
    }
    return position;
  }

  /** A read finished on {@code node}: what it saw, later reads must see too. */
  public void read(ClusterView s, int node, boolean onPrimary) {
    boolean context = bound.present();
    if (!implicit && !context) {
      return;
    }
    long now = ticker.getAsLong();
    if (onPrimary) {
      sawPrimaryAt(now, context);
      // A primary sample sent after this read lets replicas serve the connection again.
      topology.requestPrimaryProbe(false);
    } else {
      long position = s.position(node);
      if (implicit) {
        long unit = bound.unit();
        if (lastReplicaReadAt != NONE && node != lastReplica && unit != lastReplicaUnit) {
          // A request scope let this read leave the replica an earlier unit of work read: for the
          // connection's own monotonic reads, that read is now covered by a primary sample after
          // it.
          primaryAfter = laterOf(primaryAfter, lastReplicaReadAt);
          lastReplicaReadAt = NONE;
        }
        if (lastReplicaReadAt == NONE || node == lastReplica) {
          lastReplica = node;
          lastReplicaReadAt = now;
          lastReplicaUnit = unit;
        }
        own = Math.max(own, position);
      }
      if (context) {
        bound.saw(position);
      }
    }
  }

  private static long laterOf(long moment, long other) {
    return moment == NONE || other - moment > 0 ? other : moment;
  }

  private void sawPrimaryAt(long now, boolean context) {
    if (implicit) {
      primaryAfter = now;
    }
    if (context) {
      bound.pending(now);
    }
  }

  /** False while switching to {@code replica} could show older data than the last read saw. */
  public boolean mayRead(int replica) {
    return lastReplicaReadAt == NONE
        || replica == lastReplica
        || (lastReplicaUnit != bound.unit() && bound.replacesImplicit());
  }

  /** True when a commit's position must be read from the primary: some scope needs it. */
  public boolean capturing() {
    return implicit || bound.present();
  }

  /**
   * True when a commit is recorded by its moment ({@link #committedAt}) instead of its position:
   * observed capture, unless a bound context needs a real position for its token.
   */
  public boolean observesCommits() {
    return observed && !bound.present();
  }

  /**
   * As {@link #committed(long)}; with {@code primarySample}, {@code position} was read from the
   * primary's own log position after the commit (PostgreSQL's write LSN, the very number a monitor
   * probe of the primary reads), so it is a primary sample taken after every earlier statement of
   * this connection: it settles what such a sample settles — a read on the primary before it, the
   * moment of an earlier write, and the last replica read (no replica has replayed past the
   * primary's write position) — and the next read may go to any replica that has replayed it. Not
   * for GTID positions: a session's own GTID says nothing of what the primary had replayed from
   * others.
   */
  public void committed(long position, boolean primarySample) {
    if (primarySample && implicit) {
      primaryAfter = NONE;
      primaryAfterWrite = false;
      lastReplicaReadAt = NONE;
    }
    committed(position);
  }

  /** A write committed on the primary, which was then at {@code position}: raises every scope. */
  public void committed(long position) {
    own = Math.max(own, position);
    // Learn soon when replicas have it: the next read may come within milliseconds.
    topology.chase(position);
    if (causal) {
      shared.causal.accumulateAndGet(position, Math::max);
    }
    if (bound.present()) {
      bound.saw(position);
    }
  }

  /** A write committed now, position not asked for: the next primary sample covers it. */
  public void committedAt() {
    long now = ticker.getAsLong();
    recordMoment(now);
    topology.requestPrimaryProbe(true);
  }

  /**
   * A write committed but its position could not be read (timeout, cancel, a broken connection):
   * waits briefly for a primary sample sent after now, which covers the commit; without one, every
   * scope the position would have raised requires such a sample before a replica may serve it.
   */
  public void captureFailed() {
    long since = ticker.getAsLong();
    topology.requestPrimaryProbe(true);
    ClusterView s = topology.view();
    try {
      for (long left = captureWaitNanos;
          !sampledSince(s, since) && left > 0;
          left = since + captureWaitNanos - ticker.getAsLong()) {
        topology.awaitNewView(s, left);
        s = topology.view();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (sampledSince(s, since)) {
      committed(s.primaryPosition());
    } else {
      recordMoment(since);
    }
  }

  private void recordMoment(long now) {
    primaryAfter = now;
    primaryAfterWrite = true;
    if (causal) {
      shared.causalAfter.accumulateAndGet(now, Math::max);
    }
    if (bound.present()) {
      bound.pending(now);
    }
  }

  /**
   * A transaction on the primary ended without a captured position (rolled back, or nothing
   * written): its reads, locking reads included, may have seen data no replica has yet.
   */
  public void primaryTransactionEnded() {
    if (implicit || bound.present()) {
      sawPrimaryAt(ticker.getAsLong(), bound.present());
      topology.requestPrimaryProbe(false);
    }
  }

  /** A position handed in by the application (untrusted: clamped when used). */
  public void require(long position) {
    if (position > explicit) {
      explicit = position;
    }
    explicitSince = ticker.getAsLong();
  }
}
