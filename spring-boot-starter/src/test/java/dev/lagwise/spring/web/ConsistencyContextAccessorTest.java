package dev.lagwise.spring.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwise.ConsistencyContext;
import dev.lagwise.ConsistencyToken;
import io.micrometer.context.ContextSnapshotFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Hand-offs through context propagation and the task decorator: the task sees the request's writes,
 * its own writes reach the request before the task's future completes, and the worker thread is
 * left with nothing bound.
 */
class ConsistencyContextAccessorTest {

  @Test
  void aContextSnapshotCarriesTheRequestToAnotherThreadAndBack() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (ConsistencyContext request = ConsistencyContext.openRequest(null)) {
      request.wrote(ConsistencyToken.postgres(100));
      Runnable task =
          ContextSnapshotFactory.builder()
              .build()
              .captureAll()
              .wrap(
                  () -> {
                    ConsistencyContext c = ConsistencyContext.current();
                    assertThat(c.handedOff()).isTrue();
                    assertThat(c.requestScope()).isTrue();
                    assertThat(c.token()).isEqualTo(ConsistencyToken.postgres(100));
                    c.wrote(ConsistencyToken.postgres(200));
                  });
      CompletableFuture.runAsync(task, pool).join();
      assertThat(request.token()).isEqualTo(ConsistencyToken.postgres(200));
      AtomicReference<ConsistencyContext> after = new AtomicReference<>();
      pool.submit(() -> after.set(ConsistencyContext.current())).get();
      assertThat(after.get()).as("nothing left bound on the worker").isNull();
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void theTaskDecoratorForwardsWritesBeforeTheFutureCompletes() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    ConsistencyTaskDecorator decorator = new ConsistencyTaskDecorator();
    try (ConsistencyContext request = ConsistencyContext.openRequest(null)) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      pool.execute(
          decorator.decorate(
              () -> {
                ConsistencyContext.current().wrote(ConsistencyToken.postgres(300));
                done.complete(null); // as an @Async method's future completes inside the task
              }));
      done.join();
      assertThat(request.token()).isEqualTo(ConsistencyToken.postgres(300));
    } finally {
      pool.shutdown();
    }
    assertThat(decorator.decorate(() -> {})).as("no request: the task as it is").isNotNull();
  }
}
