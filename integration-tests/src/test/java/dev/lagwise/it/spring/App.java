package dev.lagwise.it.spring;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A minimal Spring Boot application on Lagwise: a {@code JdbcTemplate}, a transaction manager and a
 * Hikari pool, all from auto-configuration and {@code spring.datasource.*} properties.
 */
@SpringBootApplication
public class App {}
