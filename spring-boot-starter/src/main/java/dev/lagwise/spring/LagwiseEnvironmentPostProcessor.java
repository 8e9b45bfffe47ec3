package dev.lagwise.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.util.ClassUtils;

/**
 * Boot 3.5's post-processor key ({@code org.springframework.boot.env.EnvironmentPostProcessor} in
 * spring.factories) for {@link DriverDefaults}. Boot 4.0 still reads that key, through an adapter,
 * besides its own: there {@link LagwiseBoot4EnvironmentPostProcessor} does the work and this one
 * steps aside. Ordered last, after the application's configuration files are loaded.
 */
@SuppressWarnings("deprecation") // The 3.5 interface, deprecated in 4.0.
public class LagwiseEnvironmentPostProcessor
    implements org.springframework.boot.env.EnvironmentPostProcessor, Ordered {

  private static final boolean BOOT_4 =
      ClassUtils.isPresent(
          "org.springframework.boot.EnvironmentPostProcessor",
          LagwiseEnvironmentPostProcessor.class.getClassLoader());

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    if (!BOOT_4) {
      DriverDefaults.apply(environment);
    }
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }
}
