package dev.lagwise.spring.web;

import java.security.SecureRandom;
import java.util.Base64;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.task.TaskDecorator;

/**
 * Request-scoped read-your-writes (docs/spring-boot.md, "Read-your-writes across requests"). Every
 * part that names a web, client or Boot class sits in a nested configuration guarded by a
 * string-based condition, so the starter loads on an application without that library.
 */
@AutoConfiguration
@ConditionalOnProperty(prefix = "lagwise.web", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(LagwiseWebProperties.class)
public class LagwiseWebAutoConfiguration {

  private static final Log LOG = LogFactory.getLog(LagwiseWebAutoConfiguration.class);

  @Bean
  @ConditionalOnMissingBean
  public LagwiseWebMetrics lagwiseWebMetrics() {
    return new LagwiseWebMetrics();
  }

  @Bean
  TokenCodec lagwiseTokenCodec(
      LagwiseWebProperties properties, Environment environment, LagwiseWebMetrics metrics) {
    String engine = properties.getEngine();
    if (engine == null) {
      engine = engineOf(environment.getProperty("spring.datasource.url"));
    }
    return new TokenCodec(new TokenSigner(signingKey(properties)), engine, metrics);
  }

  /** The token engine of a Lagwise URL; null when it is not one or its engine has no tokens. */
  static String engineOf(String url) {
    if (url == null) {
      return null;
    }
    if (url.startsWith("jdbc:lagwise:postgresql:")) {
      return "pg";
    }
    if (url.startsWith("jdbc:lagwise:mariadb:")) {
      return "mariadb";
    }
    return null;
  }

  static byte[] signingKey(LagwiseWebProperties properties) {
    String configured = properties.getSigningKey();
    if (configured == null || configured.isBlank()) {
      LOG.info(
          "lagwise.web.signing-key is not set: signing consistency cookies with a random key;"
              + " several instances of this application must share a configured key");
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      return key;
    }
    try {
      return Base64.getDecoder().decode(configured.strip());
    } catch (IllegalArgumentException e) {
      // The key is a secret: the message does not quote it.
      throw new IllegalArgumentException(
          "lagwise.web.signing-key is not valid base64 (expected at least 32 bytes, base64)");
    }
  }

  /** {@code @Async} and executor tasks continue the submitting request's unit of work. */
  @Bean
  @ConditionalOnMissingBean(TaskDecorator.class)
  public ConsistencyTaskDecorator lagwiseConsistencyTaskDecorator() {
    return new ConsistencyTaskDecorator();
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(name = "org.springframework.web.filter.OncePerRequestFilter")
  static class Servlet {
    @Bean
    ConsistencyFilter lagwiseConsistencyFilter(TokenCodec codec, LagwiseWebProperties properties) {
      return new ConsistencyFilter(codec, properties);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
  @ConditionalOnClass(name = "org.springframework.web.server.WebFilter")
  static class Reactive {
    @Bean
    ConsistencyWebFilter lagwiseConsistencyWebFilter(
        TokenCodec codec, LagwiseWebProperties properties) {
      return new ConsistencyWebFilter(codec, properties);
    }
  }

  /** Boot 3.x's customizer (Boot 4.0 moved it to spring-boot-restclient). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.web.client.RestClientCustomizer")
  static class RestClients {
    @Bean
    org.springframework.boot.web.client.RestClientCustomizer lagwiseRestClientCustomizer(
        LagwiseWebProperties properties) {
      ConsistencyHeaderInterceptor interceptor =
          new ConsistencyHeaderInterceptor(properties.getHeader());
      return builder -> builder.requestInterceptor(interceptor);
    }

    @Bean
    org.springframework.boot.web.client.RestTemplateCustomizer lagwiseRestTemplateCustomizer(
        LagwiseWebProperties properties) {
      ConsistencyHeaderInterceptor interceptor =
          new ConsistencyHeaderInterceptor(properties.getHeader());
      return template -> template.getInterceptors().add(interceptor);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(
      name = {
        "org.springframework.boot.web.reactive.function.client.WebClientCustomizer",
        "org.springframework.web.reactive.function.client.ExchangeFilterFunction"
      })
  static class WebClients {
    @Bean
    org.springframework.boot.web.reactive.function.client.WebClientCustomizer
        lagwiseWebClientCustomizer(LagwiseWebProperties properties) {
      ConsistencyExchangeFilter filter = new ConsistencyExchangeFilter(properties.getHeader());
      return builder -> builder.filter(filter);
    }
  }
}
