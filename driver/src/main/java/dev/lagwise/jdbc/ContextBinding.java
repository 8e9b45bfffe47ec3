package dev.lagwise.jdbc;

import dev.lagwise.ConsistencyContext;
import dev.lagwise.ConsistencyToken;
import dev.lagwise.routing.BoundContext;
import java.sql.SQLException;

/**
 * The thread's {@link ConsistencyContext} as routing sees it: positions of this cluster's tokens.
 * Each call reads the current thread's binding; one instance per cluster.
 */
final class ContextBinding implements BoundContext {

  private final Positions positions;

  ContextBinding(Positions positions) {
    this.positions = positions;
  }

  @Override
  public boolean present() {
    return ConsistencyContext.current() != null && positions.tokens();
  }

  @Override
  public boolean replacesImplicit() {
    ConsistencyContext c = ConsistencyContext.current();
    return c != null && c.requestScope() && positions.tokens();
  }

  @Override
  public long unit() {
    ConsistencyContext c = ConsistencyContext.current();
    return c == null ? 0 : c.unit();
  }

  @Override
  public long own() throws SQLException {
    ConsistencyContext c = ConsistencyContext.current();
    return c == null ? -1 : positionOf(c.own());
  }

  @Override
  public long carried() throws SQLException {
    ConsistencyContext c = ConsistencyContext.current();
    return c == null ? -1 : positionOf(c.carried());
  }

  @Override
  public long carriedSinceNanos() {
    ConsistencyContext c = ConsistencyContext.current();
    return c == null ? 0 : c.carriedSinceNanos();
  }

  @Override
  public long pendingSinceNanos() {
    ConsistencyContext c = ConsistencyContext.current();
    return c == null ? Long.MIN_VALUE : c.pendingSinceNanos();
  }

  @Override
  public void saw(long position) {
    ConsistencyContext c = ConsistencyContext.current();
    if (c == null || position < 0) {
      return;
    }
    ConsistencyToken own = c.own();
    if (own != null && own.gtid() == null && own.position() >= position) {
      return; // PostgreSQL: compared as numbers, no token made
    }
    ConsistencyToken seen = positions.token(position);
    if (seen != null && (own == null || !own.covers(seen))) {
      c.wrote(seen);
    }
  }

  @Override
  public void resolve(long sinceNanos, long position) {
    ConsistencyContext c = ConsistencyContext.current();
    if (c != null && position >= 0) {
      ConsistencyToken t = positions.token(position);
      if (t != null) {
        c.resolve(sinceNanos, t);
      }
    }
  }

  @Override
  public void pending(long sinceNanos) {
    ConsistencyContext c = ConsistencyContext.current();
    if (c != null) {
      c.pending(sinceNanos);
    }
  }

  private long positionOf(ConsistencyToken token) throws SQLException {
    if (token == null) {
      return -1;
    }
    return positions.required(token);
  }
}
