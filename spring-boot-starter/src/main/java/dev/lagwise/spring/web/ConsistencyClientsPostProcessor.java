package dev.lagwise.spring.web;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.util.ClassUtils;

/**
 * Adds the request's consistency header to outgoing HTTP calls made with the application's
 * RestTemplate, RestClient.Builder and WebClient.Builder beans (Boot's auto-configured builders
 * included), so service B reads what service A wrote. Each type is looked at only when its library
 * is on the class path; a bean already carrying the interceptor is left alone.
 */
final class ConsistencyClientsPostProcessor implements BeanPostProcessor {

  private static final ClassLoader LOADER = ConsistencyClientsPostProcessor.class.getClassLoader();

  private static final boolean SERVLET_CLIENTS =
      ClassUtils.isPresent("org.springframework.web.client.RestClient", LOADER);

  private static final boolean REACTIVE_CLIENTS =
      ClassUtils.isPresent("org.springframework.web.reactive.function.client.WebClient", LOADER);

  private final String header;

  ConsistencyClientsPostProcessor(String header) {
    this.header = header;
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    if (SERVLET_CLIENTS) {
      ServletClients.add(bean, header);
    }
    if (REACTIVE_CLIENTS) {
      ReactiveClients.add(bean, header);
    }
    return bean;
  }

  /** Only loaded when spring-web's clients are present. */
  private static final class ServletClients {
    static void add(Object bean, String header) {
      if (bean instanceof org.springframework.web.client.RestTemplate template) {
        if (template.getInterceptors().stream()
            .noneMatch(i -> i instanceof ConsistencyHeaderInterceptor)) {
          template.getInterceptors().add(new ConsistencyHeaderInterceptor(header));
        }
      } else if (bean instanceof org.springframework.web.client.RestClient.Builder builder) {
        builder.requestInterceptors(
            list -> {
              if (list.stream().noneMatch(i -> i instanceof ConsistencyHeaderInterceptor)) {
                list.add(new ConsistencyHeaderInterceptor(header));
              }
            });
      }
    }
  }

  /** Only loaded when spring-webflux's WebClient is present. */
  private static final class ReactiveClients {
    static void add(Object bean, String header) {
      if (bean instanceof org.springframework.web.reactive.function.client.WebClient.Builder b) {
        b.filters(
            list -> {
              if (list.stream().noneMatch(f -> f instanceof ConsistencyExchangeFilter)) {
                list.add(new ConsistencyExchangeFilter(header));
              }
            });
      }
    }
  }
}
