package dev.lagwise.jdbc;

import dev.lagwise.ConsistencyContext;
import dev.lagwise.ConsistencyToken;
import dev.lagwise.routing.BoundContext;
import java.sql.SQLException;

/**
 * The thread's {@link ConsistencyContext} as routing sees it: positions of this dialect's tokens.
 * Each call reads the current thread's binding; one instance per dialect, shared.
 */
final class ContextBinding implements BoundContext {

  private final Dialect dialect;

  ContextBinding(Dialect dialect) {
    this.dialect = dialect;
  }

  @Override
  public boolean present() {
    return dialect.tokenEngine != null && ConsistencyContext.current() != null;
  }

  @Override
  public boolean replacesImplicit() {
    ConsistencyContext c = ConsistencyContext.current();
    return c != null && dialect.tokenEngine != null && c.requestScope();
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
    if (c != null && position >= 0 && (c.own() == null || c.own().position() < position)) {
      c.wrote(dialect.token(position));
    }
  }

  @Override
  public void resolve(long sinceNanos, long position) {
    ConsistencyContext c = ConsistencyContext.current();
    if (c != null && position >= 0) {
      c.resolve(sinceNanos, dialect.token(position));
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
    if (!token.engine().equals(dialect.tokenEngine)) {
      throw Errors.invalid(
          "A " + token.engine() + " consistency token cannot be used with " + dialect.scheme);
    }
    return token.position();
  }
}
