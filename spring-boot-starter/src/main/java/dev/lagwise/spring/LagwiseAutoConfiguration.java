package dev.lagwise.spring;

import org.springframework.boot.autoconfigure.AutoConfiguration;

/** Lagwise for Spring Boot: see docs/spring-boot.md. */
@AutoConfiguration
public class LagwiseAutoConfiguration {}
