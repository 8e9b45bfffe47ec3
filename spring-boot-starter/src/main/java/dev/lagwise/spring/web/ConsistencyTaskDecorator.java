package dev.lagwise.spring.web;

import dev.lagwise.ConsistencyContext;
import org.springframework.core.task.TaskDecorator;

/**
 * Continues the submitting thread's unit of work in an {@code @Async} method or an executor task
 * (virtual threads included): the task runs in a {@link ConsistencyContext.Handoff hand-off child}
 * that sees everything the request had written and read when it submitted the task, and whose own
 * writes raise the request's token at once — so a request that joins the task before it answers
 * carries them in its cookie. A task that outlives its request still reads its own writes, but the
 * request's response has been written without them.
 */
public final class ConsistencyTaskDecorator implements TaskDecorator {

  @Override
  public Runnable decorate(Runnable task) {
    ConsistencyContext current = ConsistencyContext.current();
    if (current == null) {
      return task;
    }
    ConsistencyContext.Handoff handoff = current.handoff();
    return () -> {
      try (ConsistencyContext child = handoff.open()) {
        task.run();
      }
    };
  }
}
