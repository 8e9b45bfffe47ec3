package dev.lagwise.spring.health;

import dev.lagwise.LagwiseClusters;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;

/** {@link LagwiseHealth} as Boot 3.5's health indicator. */
final class Boot3LagwiseHealthIndicator implements HealthIndicator {

  @Override
  public Health health() {
    LagwiseHealth.Verdict v = LagwiseHealth.of(LagwiseClusters.all());
    return Health.status(new Status(v.status().name())).withDetails(v.details()).build();
  }
}
