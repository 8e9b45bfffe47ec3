package dev.lagwise.spring.web;

import dev.lagwise.ConsistencyContext;
import io.micrometer.context.ThreadLocalAccessor;

/**
 * Micrometer context propagation for {@link ConsistencyContext}: a snapshot captures a {@link
 * ConsistencyContext.Handoff}; restoring it on another thread opens a hand-off child, and the
 * scope's end closes that child (which re-binds whatever the thread had before). Registered through
 * {@code META-INF/services}, so {@code ContextSnapshot.wrap(...)}, Reactor's automatic context
 * propagation and Micrometer-aware executors carry the request scope.
 */
public final class ConsistencyContextAccessor
    implements ThreadLocalAccessor<ConsistencyContext.Handoff> {

  /** The key under which snapshots and Reactor contexts hold the hand-off. */
  public static final String KEY = "dev.lagwise.consistency";

  @Override
  public Object key() {
    return KEY;
  }

  @Override
  public ConsistencyContext.Handoff getValue() {
    ConsistencyContext c = ConsistencyContext.current();
    return c == null ? null : c.handoff();
  }

  @Override
  public void setValue(ConsistencyContext.Handoff value) {
    value.open();
  }

  @Override
  public void setValue() {
    // Nothing captured: leave the thread as it is (closing here could end a context it owns).
  }

  @Override
  public void restore(ConsistencyContext.Handoff previousValue) {
    closeChild();
  }

  @Override
  public void restore() {
    closeChild();
  }

  @Override
  public void reset() {
    closeChild();
  }

  private static void closeChild() {
    ConsistencyContext c = ConsistencyContext.current();
    if (c != null && c.handedOff()) {
      c.close();
    }
  }
}
