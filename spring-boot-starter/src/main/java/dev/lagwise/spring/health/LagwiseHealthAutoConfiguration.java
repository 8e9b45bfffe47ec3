package dev.lagwise.spring.health;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code lagwise} health contributor (bean {@code lagwiseHealthIndicator}), for whichever of
 * Boot 3.5's and 4.0's health types is on the class path; the conditions name them as strings, so
 * the other version's class is never loaded. Not added to any group: Boot's liveness group holds
 * only {@code livenessState}, so a database outage does not make Kubernetes restart the
 * application.
 */
@AutoConfiguration
@ConditionalOnProperty(name = "management.health.lagwise.enabled", matchIfMissing = true)
public class LagwiseHealthAutoConfiguration {

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
  static class Boot4 {
    @Bean
    @ConditionalOnMissingBean(name = "lagwiseHealthIndicator")
    Boot4LagwiseHealthIndicator lagwiseHealthIndicator() {
      return new Boot4LagwiseHealthIndicator();
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
  static class Boot3 {
    @Bean
    @ConditionalOnMissingBean(name = "lagwiseHealthIndicator")
    Boot3LagwiseHealthIndicator lagwiseHealthIndicator() {
      return new Boot3LagwiseHealthIndicator();
    }
  }
}
