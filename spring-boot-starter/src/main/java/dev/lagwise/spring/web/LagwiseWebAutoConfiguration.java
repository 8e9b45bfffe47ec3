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
    if (url.startsWith("jdbc:lagwise:mariadb:") || url.startsWith("jdbc:lagwise:mysql:")) {
      return "gtid"; // MariaDB or MySQL tokens: the server's flavour decides which
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

  /**
   * Outgoing calls carry the request's token: RestTemplate and RestClient.Builder beans get the
   * header interceptor, WebClient.Builder beans the exchange filter. A bean post-processor on
   * Spring Framework's own types rather than Boot's customizers, which moved between Boot 3.5 and
   * 4.0: the same code serves both.
   */
  @Bean
  static ConsistencyClientsPostProcessor lagwiseConsistencyClients(Environment environment) {
    return new ConsistencyClientsPostProcessor(
        environment.getProperty("lagwise.web.header", LagwiseWebProperties.DEFAULT_HEADER));
  }
}
