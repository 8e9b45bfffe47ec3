package dev.lagwise.spring.metrics;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer meters for Lagwise clusters: Boot binds every {@code MeterBinder} bean to its
 * registries (3.5 and 4.0 alike), so no Boot class that moved between them is named here.
 */
@AutoConfiguration
@ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
@ConditionalOnProperty(name = "lagwise.metrics.enabled", matchIfMissing = true)
public class LagwiseMetricsAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  public LagwiseMeterBinder lagwiseMeterBinder() {
    return new LagwiseMeterBinder();
  }
}
