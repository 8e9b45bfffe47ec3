package dev.lagwise.jdbc;

import dev.lagwise.ConsistencyContext;
import dev.lagwise.ConsistencyToken;
import dev.lagwise.monitor.ClusterSnapshot;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Read-your-writes and monotonic reads for one logical connection.
 *
 * <p>Invariant: a read whose requirement is R never reaches a replica whose replayed position is
 * known to be below R. R is the largest of: this connection's own writes and reads ({@link #own});
 * under {@code causal}, every write made through the cluster in this JVM ({@link Cluster#causal});
 * the thread's {@link ConsistencyContext}; tokens handed in with {@code requireConsistency}.
 * Positions written here are trusted: they come from the primary itself. Tokens from outside are
 * not: each is clamped to the primary's position as sampled after the token arrived — a legitimate
 * token never exceeds that, a forged one is cut down to it.
 *
 * <p>Positions come from the primary right after a write commits ({@code exact} capture: one round
 * trip per writing transaction). If that fails, the connection requires the primary's position as
 * first sampled after the write, and reads go to the primary until that sample exists.
 *
 * <p>Monotonic reads: a read on a replica raises {@link #own} to that replica's known position, and
 * a read on the primary to the primary's last sampled position, so a later read never goes to a
 * host known to be behind what an earlier read could see. Between two probes the monitor's
 * knowledge is a lower bound; round-robin keeps a connection on one replica, whose replay only
 * moves forward.
 */
final class SessionConsistency {

  private static final long NONE = Long.MIN_VALUE;

  private final Cluster cluster;
  private final Dialect dialect;
  private final boolean implicit;
  private final boolean causal;
  private final boolean observed;

  private long own = -1;
  private long explicit = -1;
  private long explicitSince;

  /** Replicas must have replayed the primary's position as sampled after this moment. */
  private long primaryAfter = NONE;

  /** Replica of the last read and when it ended; NONE once a later probe of it is folded in. */
  private int lastReplica = -1;

  private long lastReplicaReadAt = NONE;

  /** The open transaction has written: capture a position when it commits. */
  boolean transactionWrote;

  SessionConsistency(Cluster cluster, ConnectionSpec spec) {
    this.cluster = cluster;
    this.dialect = spec.dialect;
    this.implicit = spec.settings.consistency != Settings.Consistency.NONE;
    this.causal = spec.settings.consistency == Settings.Consistency.CAUSAL;
    this.observed = spec.settings.observedCapture;
  }

  /** The position a read must see now; -1 for none; {@link Long#MAX_VALUE}: only the primary. */
  long need(ClusterSnapshot s) throws SQLException {
    long need = implicit ? own : -1;
    if (causal) {
      long after = cluster.causalAfter.get();
      if (after != NONE) {
        if (s.primaryPosition() >= 0 && s.primarySentNanos() - after >= 0) {
          cluster.causal.accumulateAndGet(s.primaryPosition(), Math::max);
          // A write after `after` keeps its own, later moment pending.
          cluster.causalAfter.compareAndSet(after, NONE);
        } else {
          cluster.monitor.requestPrimaryProbe();
          return Long.MAX_VALUE;
        }
      }
      need = Math.max(need, cluster.causal.get());
    }
    if (primaryAfter != NONE) {
      if (s.primaryPosition() >= 0 && s.primarySentNanos() - primaryAfter >= 0) {
        // The primary is ahead of every replica: this covers the last replica read too.
        own = Math.max(own, s.primaryPosition());
        primaryAfter = NONE;
        lastReplicaReadAt = NONE;
        need = Math.max(need, own);
      } else {
        cluster.monitor.requestPrimaryProbe();
        return Long.MAX_VALUE;
      }
    }
    if (lastReplicaReadAt != NONE
        && s.positionSentNanos(lastReplica) - lastReplicaReadAt >= 0
        && s.position(lastReplica) >= 0) {
      own = Math.max(own, s.position(lastReplica));
      lastReplicaReadAt = NONE;
      need = Math.max(need, own);
    }
    need = Math.max(need, clamp(explicit, explicitSince, s));
    ConsistencyContext ctx = ConsistencyContext.current();
    if (ctx != null) {
      need = Math.max(need, positionOf(ctx.own()));
      ConsistencyToken carried = ctx.carried();
      if (carried != null) {
        need = Math.max(need, clamp(positionOf(carried), ctx.carriedSinceNanos(), s));
      }
    }
    return need;
  }

  private static long clamp(long position, long since, ClusterSnapshot s) {
    if (position >= 0 && s.primaryPosition() >= 0 && s.primarySentNanos() - since >= 0) {
      return Math.min(position, s.primaryPosition());
    }
    return position;
  }

  private long positionOf(ConsistencyToken token) throws SQLException {
    if (token == null) {
      return -1;
    }
    if (!token.engine().equals(dialect.tokenEngine)) {
      throw Errors.invalid(
          "A " + token.engine() + " consistency token cannot be used with " + dialect.scheme);
    }
    return token.position();
  }

  /**
   * A read finished on {@code node}: what it saw, later reads must see too. (A write's position is
   * captured after it commits, which covers what it read.)
   */
  void read(ClusterSnapshot s, int node, boolean onPrimary) {
    if (!implicit) {
      return;
    }
    long now = System.nanoTime();
    if (onPrimary) {
      primaryAfter = now;
      // A primary sample sent after this read lets replicas serve the connection again.
      cluster.monitor.requestPrimaryProbe();
    } else {
      if (lastReplicaReadAt == NONE || node == lastReplica) {
        lastReplica = node;
        lastReplicaReadAt = now;
      }
      own = Math.max(own, s.position(node));
    }
  }

  /** False while switching to {@code replica} could show older data than the last read saw. */
  boolean mayRead(int replica) {
    return lastReplicaReadAt == NONE || replica == lastReplica;
  }

  boolean capturing() {
    return implicit || ConsistencyContext.current() != null;
  }

  /**
   * A write committed on {@code primary}: reads its position (one round trip) and raises every
   * scope. With autocommit off the query runs with autocommit switched on for its duration, so it
   * does not open a transaction on the primary.
   */
  void committed(Connection primary, boolean autoCommitOff) {
    if (observed && ConsistencyContext.current() == null) {
      // No round trip: the next primary sample after now is this write's position.
      long now = System.nanoTime();
      primaryAfter = now;
      if (causal) {
        cluster.causalAfter.accumulateAndGet(now, Math::max);
      }
      cluster.monitor.requestPrimaryProbe(true);
      return;
    }
    long position = -1;
    try {
      if (autoCommitOff) {
        primary.setAutoCommit(true);
      }
      try {
        position = dialect.currentPosition(primary);
      } finally {
        if (autoCommitOff) {
          primary.setAutoCommit(false);
        }
      }
    } catch (SQLException e) {
      // Unknown position: fall through.
    }
    if (position < 0) {
      primaryAfter = System.nanoTime();
      return;
    }
    own = Math.max(own, position);
    // Learn soon when replicas have it: the next read may come within milliseconds.
    cluster.monitor.chase(position);
    if (causal) {
      cluster.causal.accumulateAndGet(position, Math::max);
    }
    ConsistencyContext ctx = ConsistencyContext.current();
    if (ctx != null && dialect.tokenEngine != null) {
      ctx.wrote(dialect.token(position));
    }
  }

  /**
   * What this connection's reads must see, as a portable token; null when nothing. {@code
   * primaryPosition} is called only when a position is still pending (observed capture, a read on
   * the primary): a token handed to someone else must never be too low, and the primary's current
   * position covers everything committed.
   */
  ConsistencyToken token(ClusterSnapshot s, PositionSource primaryPosition) throws SQLException {
    long need = need(s);
    if (need == Long.MAX_VALUE) {
      need = primaryPosition.read();
    }
    return need < 0 || dialect.tokenEngine == null ? null : dialect.token(need);
  }

  /** Reads the primary's current position when asked; -1 if unknown. */
  @FunctionalInterface
  interface PositionSource {
    long read() throws SQLException;
  }

  void require(ConsistencyToken token) throws SQLException {
    long position = positionOf(token);
    if (position > explicit) {
      explicit = position;
    }
    explicitSince = System.nanoTime();
  }
}
