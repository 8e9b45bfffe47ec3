package dev.lagwise.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Boot 4.0's post-processor key ({@code org.springframework.boot.EnvironmentPostProcessor}) for
 * {@link DriverDefaults}; Boot 3.5 neither reads that key nor has the interface, so it never loads
 * this class.
 */
public class LagwiseBoot4EnvironmentPostProcessor
    implements org.springframework.boot.EnvironmentPostProcessor, Ordered {

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    DriverDefaults.apply(environment);
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }
}
