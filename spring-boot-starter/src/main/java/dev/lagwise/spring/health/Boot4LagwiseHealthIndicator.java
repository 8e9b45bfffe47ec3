package dev.lagwise.spring.health;

import dev.lagwise.LagwiseClusters;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/** {@link LagwiseHealth} as Boot 4.0's health indicator. */
final class Boot4LagwiseHealthIndicator implements HealthIndicator {

  @Override
  public Health health() {
    LagwiseHealth.Verdict v = LagwiseHealth.of(LagwiseClusters.all());
    return Health.status(new Status(v.status().name())).withDetails(v.details()).build();
  }
}
