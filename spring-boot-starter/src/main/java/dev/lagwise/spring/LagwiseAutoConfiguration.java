package dev.lagwise.spring;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * Lagwise for Spring Boot: the {@code lagwise.*} properties. Metrics, health, tracing and the web
 * request scope each have their own auto-configuration (docs/spring-boot.md).
 */
@AutoConfiguration
@EnableConfigurationProperties(LagwiseProperties.class)
public class LagwiseAutoConfiguration {}
