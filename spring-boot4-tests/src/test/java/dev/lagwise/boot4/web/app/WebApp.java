package dev.lagwise.boot4.web.app;

import java.util.concurrent.CompletableFuture;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.stereotype.Service;

/** A Boot web application on Lagwise: items written by POST, read back by GET after a redirect. */
@SpringBootApplication
@EnableAsync
public class WebApp {

  public static final String TABLE = "web_items";

  /** Writes on an {@code @Async} executor thread: the request's context must follow. */
  @Service
  public static class AsyncWriter {
    private final JdbcTemplate jdbc;

    public AsyncWriter(JdbcTemplate jdbc) {
      this.jdbc = jdbc;
    }

    @Async
    public CompletableFuture<Long> insert(long v) {
      return CompletableFuture.completedFuture(
          jdbc.queryForObject(
              "INSERT INTO " + TABLE + " (v) VALUES (?) RETURNING id", Long.class, v));
    }
  }
}
