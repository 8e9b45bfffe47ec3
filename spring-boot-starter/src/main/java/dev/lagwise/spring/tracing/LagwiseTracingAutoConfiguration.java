package dev.lagwise.spring.tracing;

import dev.lagwise.LagwiseClusters;
import dev.lagwise.RouteListener;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Installs the JVM's {@link RouteListener} for tracing while the application context lives: the
 * Micrometer Observation one when there is an {@code ObservationRegistry} bean, else the
 * OpenTelemetry one when its API is on the class path. Ordered after Boot's observation
 * auto-configuration (3.5 and 4.0 names) so that its registry bean is seen.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration",
      "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration"
    })
@ConditionalOnProperty(name = "lagwise.tracing.enabled", matchIfMissing = true)
public class LagwiseTracingAutoConfiguration {

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.micrometer.observation.ObservationRegistry")
  @ConditionalOnBean(type = "io.micrometer.observation.ObservationRegistry")
  static class Observations {
    @Bean
    @ConditionalOnMissingBean
    Installed lagwiseRouteListener(ObservationRegistry registry) {
      return new Installed(new ObservationRouteListener(registry));
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.opentelemetry.api.trace.Span")
  @ConditionalOnMissingBean(type = "io.micrometer.observation.ObservationRegistry")
  static class OpenTelemetry {
    @Bean
    @ConditionalOnMissingBean
    Installed lagwiseRouteListener() {
      return new Installed(new OpenTelemetryRouteListener());
    }
  }

  /** The listener, set when the context starts and removed when it closes. */
  static final class Installed implements InitializingBean, DisposableBean {
    private final RouteListener listener;

    Installed(RouteListener listener) {
      this.listener = listener;
    }

    RouteListener listener() {
      return listener;
    }

    @Override
    public void afterPropertiesSet() {
      LagwiseClusters.setRouteListener(listener);
    }

    @Override
    public void destroy() {
      if (LagwiseClusters.routeListener() == listener) {
        LagwiseClusters.setRouteListener(null);
      }
    }
  }
}
